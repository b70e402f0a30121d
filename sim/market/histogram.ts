import { unit } from "../universe/hash.ts";
import type { Instrument } from "../universe/instrument.ts";
import { roundToTick } from "../universe/quotes.ts";
import { inSession } from "../universe/sessions.ts";
import type { Market } from "./market.ts";

const DAY_MS = 86_400_000;
const UNIT_DAYS: Record<string, number> = { day: 1, week: 7, month: 30, year: 365 };
/** Samples of the price path per request: enough for a smooth distribution, cheap for a year. */
const MAX_SAMPLES = 20_000;
/** Price levels IB answers with, about. */
const TARGET_LEVELS = 40;

/** IB's histogram period ("3 days", "1 week", "2 months", "1 year") in ms; undefined when it is not one. */
export function histogramPeriodMs(text: string): number | undefined {
  const m = /^(\d{1,3}) (day|week|month|year)s?$/i.exec(text.trim());
  if (!m || Number(m[1]) < 1) return undefined;
  return Number(m[1]) * (UNIT_DAYS[m[2]!.toLowerCase()] ?? 0) * DAY_MS;
}

/**
 * The traded size at each price level over the period ending now, from the market's one price path:
 * sampled in session, bucketed on a multiple of the tick, lowest price first.
 */
export function histogram(
  market: Market,
  i: Instrument,
  periodMs: number,
  rthOnly: boolean,
): Array<{ price: number; size: number }> {
  const end = market.now();
  const step = Math.max(60_000, Math.ceil(periodMs / MAX_SAMPLES));
  const prices: number[] = [];
  for (let t = end - periodMs; t <= end; t += step) {
    if (inSession(t, i.session, i.timeZoneId, rthOnly)) prices.push(market.price(i, t));
  }
  if (prices.length === 0) return [];
  const lo = Math.min(...prices);
  const hi = Math.max(...prices);
  const width = Math.max(i.minTick, roundToTick((hi - lo) / TARGET_LEVELS, i.minTick));
  const lot = i.secType === "CASH" ? 100_000 : 100;
  const levels = new Map<number, number>();
  for (const [k, p] of prices.entries()) {
    const level = Number((Math.floor(p / width) * width).toFixed(8));
    const size = lot * (1 + Math.floor(unit(`hist:${i.conId}:${k}`) * 20));
    levels.set(level, (levels.get(level) ?? 0) + size);
  }
  return [...levels].sort((a, b) => a[0] - b[0]).map(([price, size]) => ({ price, size }));
}
