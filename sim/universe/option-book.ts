import type { SimPosition } from "./accounts.ts";
import { matchContracts, optionChainParams, universe } from "./instruments.ts";
import { optionModel } from "./quotes.ts";

/** One option of `symbol`'s SMART chain: the `nth` expiry, the strike nearest the price moved by `steps` strikes. */
function listedOption(symbol: string, right: "C" | "P", nth: number, steps: number) {
  const under = universe().bySymbol.get(`${symbol}|STK`)!;
  const row = optionChainParams(symbol, under.conId).find((p) => p.exchange === "SMART")!;
  const strikes = [...row.strikes].sort((a, b) => a - b);
  const atm = strikes.reduce(
    (best, k, i) => (Math.abs(k - under.price) < Math.abs(strikes[best]! - under.price) ? i : best),
    0,
  );
  const strike = strikes[Math.min(strikes.length - 1, Math.max(0, atm + steps))]!;
  const expiry = [...row.expirations].sort()[nth]!;
  const [option] = matchContracts({
    symbol,
    secType: "OPT",
    lastTradeDateOrContractMonth: expiry,
    strike,
    right,
    exchange: "SMART",
    currency: "USD",
  });
  return option!;
}

/**
 * A small option book (`--option-book`): long AAPL calls, a short AAPL put below the money and long SPY puts,
 * so portfolio greeks have options of both signs on two underlyings beside their shares. Average costs are IB's
 * (price times multiplier) at the model's price when the book is built.
 */
export function optionBook(): SimPosition[] {
  const position = (symbol: string, right: "C" | "P", nth: number, steps: number, quantity: number) => {
    const instrument = listedOption(symbol, right, nth, steps);
    const price = optionModel(instrument)?.optPrice ?? 1;
    return { instrument, quantity, avgCost: price * Number(instrument.multiplier || 100), realizedPnl: 0 };
  };
  return [position("AAPL", "C", 2, 0, 3), position("AAPL", "P", 2, -2, -2), position("SPY", "P", 3, -1, 5)];
}
