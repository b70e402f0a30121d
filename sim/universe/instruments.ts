import { ymd } from "./calendar.ts";
import { chainSpecs, chainStrikes, esFutures, optionChain, optionExpiries } from "./derivatives.ts";
import type { Instrument } from "./instrument.ts";
import { otherAssets } from "./other-assets.ts";
import { stocks } from "./stocks.ts";

/** The whole simulated universe for one calendar day (relative expiries are computed from that day). */
export interface Universe {
  day: string;
  instruments: Instrument[];
  byConId: Map<number, Instrument>;
}

/** Builds the universe as of `today`; the same day always gives the same instruments and conIds. */
export function buildUniverse(today: Date): Universe {
  const base = [...stocks, ...otherAssets];
  const spx = base.find((i) => i.symbol === "SPX")!;
  const derived = [
    ...esFutures(today, spx),
    ...base.filter((i) => chainSpecs[i.symbol]).flatMap((u) => optionChain(today, u)),
  ];
  const instruments = [...base, ...derived];
  return { day: ymd(today), instruments, byConId: new Map(instruments.map((i) => [i.conId, i])) };
}

let cached: Universe | undefined;

/** Today's universe, rebuilt when the UTC date changes so expiries never go stale. */
export function universe(now = new Date()): Universe {
  if (!cached || cached.day !== ymd(now)) cached = buildUniverse(now);
  return cached;
}

/** The first instrument with this symbol and secType (e.g. findInstrument("AAPL", "STK")). */
export function findInstrument(symbol: string, secType = "STK"): Instrument | undefined {
  const s = symbol.toUpperCase();
  return universe().instruments.find((i) => i.symbol === s && i.secType === secType.toUpperCase());
}

/** The instrument with this conId. */
export function findByConId(conId: number): Instrument | undefined {
  return universe().byConId.get(conId);
}

/** The fields of a contract query; empty strings and zeros mean "any". */
export interface ContractFilter {
  conId?: number;
  symbol?: string;
  secType?: string;
  lastTradeDateOrContractMonth?: string;
  strike?: number;
  right?: string;
  multiplier?: string;
  exchange?: string;
  primaryExchange?: string;
  currency?: string;
  localSymbol?: string;
  tradingClass?: string;
}

function normRight(r: string): string {
  const u = r.toUpperCase();
  return u === "CALL" ? "C" : u === "PUT" ? "P" : u;
}

function exchangeMatches(i: Instrument, exchange: string): boolean {
  if (!exchange) return true;
  const ex = exchange.toUpperCase();
  return ex === i.exchange || ex === i.primaryExchange || i.validExchanges.split(",").includes(ex);
}

/** Instruments matching a contract query as IB's reqContractDetails does (conId wins when given). */
export function matchContracts(q: ContractFilter): Instrument[] {
  if (q.conId && q.conId > 0) {
    const hit = findByConId(q.conId);
    return hit ? [hit] : [];
  }
  const symbol = q.symbol?.toUpperCase() ?? "";
  const localSymbol = q.localSymbol?.toUpperCase() ?? "";
  if (!symbol && !localSymbol) return [];
  return universe().instruments.filter(
    (i) =>
      (!symbol || i.symbol === symbol) &&
      (!localSymbol || i.localSymbol.toUpperCase() === localSymbol) &&
      (!q.secType || i.secType === q.secType.toUpperCase()) &&
      (!q.currency || i.currency === q.currency.toUpperCase()) &&
      (!q.lastTradeDateOrContractMonth ||
        i.lastTradeDateOrContractMonth.startsWith(q.lastTradeDateOrContractMonth)) &&
      (!q.strike || i.strike === q.strike) &&
      (!q.right || i.right === normRight(q.right)) &&
      (!q.multiplier || Number(i.multiplier) === Number(q.multiplier)) &&
      (!q.tradingClass || i.tradingClass === q.tradingClass.toUpperCase()) &&
      exchangeMatches(i, q.exchange ?? ""),
  );
}

/** reqMatchingSymbols: up to 16 non-derivative instruments whose symbol starts with, or name contains, the pattern. */
export function matchSymbols(pattern: string): Instrument[] {
  const p = pattern.trim().toUpperCase();
  if (!p) return [];
  const pool = universe().instruments.filter((i) => i.secType !== "OPT" && i.secType !== "FUT");
  const rank = (i: Instrument) =>
    i.symbol === p ? 0 : i.symbol.startsWith(p) ? 1 : i.longName.toUpperCase().includes(p) ? 2 : 3;
  return pool
    .filter((i) => rank(i) < 3)
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        Number(b.secType === "STK") - Number(a.secType === "STK") ||
        a.symbol.localeCompare(b.symbol),
    )
    .slice(0, 16);
}

/** One reqSecDefOptParams answer row. */
export interface OptionChainParams {
  exchange: string;
  underlyingConId: number;
  tradingClass: string;
  multiplier: string;
  expirations: string[];
  strikes: number[];
}

/** Option chain parameters for an underlying, one row per exchange as IB sends them. */
export function optionChainParams(symbol: string, underConId: number): OptionChainParams[] {
  const under =
    universe().byConId.get(underConId) ?? findInstrument(symbol, "STK") ?? findInstrument(symbol, "IND");
  if (!under || under.symbol !== symbol.toUpperCase()) return [];
  const spec = chainSpecs[under.symbol];
  if (!spec) return [];
  const expirations = optionExpiries(new Date()).map(ymd);
  const strikes = chainStrikes(under, spec);
  const exchanges = spec.exchange === "SMART" ? ["SMART", "CBOE", "AMEX"] : [spec.exchange];
  return exchanges.map((exchange) => ({
    exchange,
    underlyingConId: under.conId,
    tradingClass: spec.tradingClass,
    multiplier: "100",
    expirations,
    strikes,
  }));
}
