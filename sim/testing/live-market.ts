import { syntheticMarket } from "../market/market.ts";
import { marksAt, markTime } from "../market/marks.ts";
import type { Marks } from "../universe/accounts.ts";
import { type Instrument, type Quote, roundToTick } from "../universe/index.ts";
import { livePrice, liveQuote } from "../universe/live-price.ts";

/** How far behind the simulator's delayed ticks run. */
export const DELAYED_BY_MS = 15 * 60_000;

/**
 * True when `value` is the quote field the simulator had at some instant of [t0, t1] (shifted back by
 * `lagMs` for delayed data): the market moves between the test's clock reads, by less than a tick or two.
 */
export function quotedBetween(
  value: number | undefined,
  i: Instrument,
  field: keyof Quote,
  t0: number,
  t1 = Date.now(),
  lagMs = 0,
): boolean {
  if (value === undefined) return false;
  const a = liveQuote(i, t0 - lagMs)[field];
  const b = liveQuote(i, t1 - lagMs)[field];
  const slack = 2 * i.minTick + 1e-9;
  return value >= Math.min(a, b) - slack && value <= Math.max(a, b) + slack;
}

/** The instrument with its price set to the simulator's live price now (what quotes and fills use). */
export function livePriced(i: Instrument, t = Date.now()): Instrument {
  return { ...i, price: roundToTick(livePrice(i, t), i.minTick) };
}

/**
 * Runs `check` with the marks the simulator used for a request made in [t0, t1]: those of t0's 3-minute
 * refresh, or of t1's when the interval crossed a refresh.
 */
export function withMarksOf(t0: number, t1: number, check: (marks: Marks) => void): void {
  try {
    check(marksAt(syntheticMarket, t0));
  } catch (err) {
    if (markTime(t0) === markTime(t1)) throw err;
    check(marksAt(syntheticMarket, t1));
  }
}
