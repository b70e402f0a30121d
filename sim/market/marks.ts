import type { Marks } from "../universe/accounts.ts";
import type { Instrument } from "../universe/instrument.ts";
import { roundToTick } from "../universe/quotes.ts";
import type { Market } from "./market.ts";

/** IB refreshes account values and the portfolio every 3 minutes, not on every tick. */
export const MARK_INTERVAL_MS = 180_000;

/** The instant positions are marked at for a request at `t`: the last 3-minute refresh. */
export function markTime(t: number): number {
  return Math.floor(t / MARK_INTERVAL_MS) * MARK_INTERVAL_MS;
}

/** Marks on the market's price path at the last refresh before `t` (price and previous close). */
export function marksAt(market: Market, t: number): Marks {
  const at = markTime(t);
  const cache = new Map<number, { price: number; close: number }>();
  return (i: Instrument) => {
    let m = cache.get(i.conId);
    if (!m) {
      m = { price: roundToTick(market.price(i, at), i.minTick), close: market.quote(i, at).close };
      cache.set(i.conId, m);
    }
    return m;
  };
}
