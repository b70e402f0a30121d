import type { Instrument } from "./instrument.ts";
import { findInstrument, universe } from "./instruments.ts";

/** One simulated position: quantity and average cost (per unit times multiplier, as IB reports avgCost). */
export interface SimPosition {
  instrument: Instrument;
  quantity: number;
  avgCost: number;
  realizedPnl: number;
}

/** The cash every simulated account starts with, in USD. */
export const STARTING_CASH = 100_000;

function multiplierOf(i: Instrument): number {
  return i.multiplier ? Number(i.multiplier) : 1;
}

/** The starting positions of every simulated account (same book for each account, so tests can assert it). */
export function initialPositions(): SimPosition[] {
  const esFront = universe().instruments.find((i) => i.secType === "FUT" && i.symbol === "ES")!;
  const pick = (symbol: string, secType: string) => findInstrument(symbol, secType)!;
  return [
    { instrument: pick("AAPL", "STK"), quantity: 100, avgCost: 180.25, realizedPnl: 0 },
    { instrument: pick("MSFT", "STK"), quantity: 50, avgCost: 350.1, realizedPnl: 0 },
    { instrument: pick("SPY", "STK"), quantity: 20, avgCost: 510.4, realizedPnl: 0 },
    { instrument: pick("EUR", "CASH"), quantity: 10_000, avgCost: 1.0712, realizedPnl: 0 },
    { instrument: esFront, quantity: 1, avgCost: (esFront.price - 40) * 50, realizedPnl: 0 },
  ];
}

/** The mark of an instrument: its price now and the previous session's close. */
export type Marks = (i: Instrument) => { price: number; close: number };

/** Marks at the reference price, the day up 0.35% on the close (the simulator marks on its price path instead). */
export const referenceMarks: Marks = (i) => ({ price: i.price, close: i.price / 1.0035 });

/** Market value of a position at its mark. */
export function marketValue(p: SimPosition, marks: Marks = referenceMarks): number {
  return round2(p.quantity * marks(p.instrument).price * multiplierOf(p.instrument));
}

/** Unrealized PnL of a position at its mark. */
export function unrealizedPnl(p: SimPosition, marks: Marks = referenceMarks): number {
  // avgCost already includes the multiplier, as IB reports it
  return round2(marketValue(p, marks) - p.quantity * p.avgCost);
}

/** Daily PnL: the move of the mark since the previous close. */
export function dailyPnl(p: SimPosition, marks: Marks = referenceMarks): number {
  const m = marks(p.instrument);
  return round2(p.quantity * (m.price - m.close) * multiplierOf(p.instrument));
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The account summary tags IB sends for "All", in IB's order, computed from cash and positions. */
export function accountValues(
  cash: number,
  positions: SimPosition[],
  marks: Marks = referenceMarks,
): Array<{ tag: string; value: string; currency: string }> {
  // futures carry no market value in equity, only their unrealized PnL
  const gross = round2(
    positions.reduce((s, p) => s + Math.abs(p.instrument.secType === "FUT" ? 0 : marketValue(p, marks)), 0),
  );
  const futPnl = round2(
    positions.filter((p) => p.instrument.secType === "FUT").reduce((s, p) => s + unrealizedPnl(p, marks), 0),
  );
  const netLiq = round2(cash + gross + futPnl);
  const init = round2(gross * 0.25 + 15_000 * positions.filter((p) => p.instrument.secType === "FUT").length);
  const maint = round2(init * 0.8);
  const avail = round2(netLiq - init);
  const excess = round2(netLiq - maint);
  const usd = (tag: string, v: number) => ({ tag, value: v.toFixed(2), currency: "USD" });
  return [
    { tag: "AccountType", value: "INDIVIDUAL", currency: "" },
    usd("NetLiquidation", netLiq),
    usd("TotalCashValue", cash),
    usd("SettledCash", cash),
    usd("AccruedCash", 0),
    usd("BuyingPower", round2(avail * 4)),
    usd("EquityWithLoanValue", netLiq),
    usd("PreviousDayEquityWithLoanValue", round2(netLiq * 0.9965)),
    usd("GrossPositionValue", gross),
    usd("RegTEquity", netLiq),
    usd("RegTMargin", round2(gross * 0.5)),
    usd("SMA", round2(netLiq - gross * 0.5)),
    usd("InitMarginReq", init),
    usd("MaintMarginReq", maint),
    usd("AvailableFunds", avail),
    usd("ExcessLiquidity", excess),
    { tag: "Cushion", value: (excess / netLiq).toFixed(6), currency: "" },
    usd("FullInitMarginReq", init),
    usd("FullMaintMarginReq", maint),
    usd("FullAvailableFunds", avail),
    usd("FullExcessLiquidity", excess),
    { tag: "LookAheadNextChange", value: "0", currency: "" },
    usd("LookAheadInitMarginReq", init),
    usd("LookAheadMaintMarginReq", maint),
    usd("LookAheadAvailableFunds", avail),
    usd("LookAheadExcessLiquidity", excess),
    { tag: "HighestSeverity", value: "0", currency: "" },
    { tag: "DayTradesRemaining", value: "-1", currency: "" },
    { tag: "Leverage", value: (gross / netLiq).toFixed(2), currency: "" },
  ];
}

/** The "$LEDGER" tags of the account summary, in one currency (IB sends USD and BASE rows for $LEDGER:ALL). */
export function ledgerValues(
  cash: number,
  positions: SimPosition[],
  currency: string,
  marks: Marks = referenceMarks,
): Array<{ tag: string; value: string; currency: string }> {
  const stocks = round2(
    positions.filter((p) => p.instrument.secType === "STK").reduce((s, p) => s + marketValue(p, marks), 0),
  );
  const options = round2(
    positions.filter((p) => p.instrument.secType === "OPT").reduce((s, p) => s + marketValue(p, marks), 0),
  );
  const futPnl = round2(
    positions.filter((p) => p.instrument.secType === "FUT").reduce((s, p) => s + unrealizedPnl(p, marks), 0),
  );
  const unrealized = round2(positions.reduce((s, p) => s + unrealizedPnl(p, marks), 0));
  const realized = round2(positions.reduce((s, p) => s + p.realizedPnl, 0));
  const fx = round2(
    positions.filter((p) => p.instrument.secType === "CASH").reduce((s, p) => s + marketValue(p, marks), 0),
  );
  const v = (tag: string, n: number) => ({ tag, value: n.toFixed(2), currency });
  return [
    v("CashBalance", cash),
    v("TotalCashBalance", round2(cash + fx)),
    v("AccruedCash", 0),
    v("StockMarketValue", stocks),
    v("OptionMarketValue", options),
    v("FuturesPNL", futPnl),
    v("NetLiquidationByCurrency", round2(cash + stocks + options + fx + futPnl)),
    v("UnrealizedPnL", unrealized),
    v("RealizedPnL", realized),
    { tag: "ExchangeRate", value: "1.00", currency },
  ];
}
