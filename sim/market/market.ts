import { type Bar, type BarRequest, generateBars } from "../universe/bars.ts";
import type { Instrument } from "../universe/instrument.ts";
import { instrumentPrice, liveQuote } from "../universe/live-price.ts";
import type { Quote } from "../universe/quotes.ts";

/**
 * Where prices come from: the simulator's clock, and one price path per instrument that bars, quotes,
 * portfolio values, fills and historical ticks all read, so they never disagree.
 */
export interface Market {
  /** The simulated time, ms (the wall clock, or the replay clock). */
  now(): number;
  /** The last trade price at `t`. */
  price(i: Instrument, t: number): number;
  /** Top of book and the day's statistics at `t`. */
  quote(i: Instrument, t: number): Quote;
  /** Historical bars; the request's end is already clamped to now(). */
  bars(req: BarRequest & { instrument: Instrument }): Bar[];
}

/** The deterministic synthetic market on the wall clock. */
export const syntheticMarket: Market = {
  now: () => Date.now(),
  price: instrumentPrice,
  quote: liveQuote,
  bars: generateBars,
};
