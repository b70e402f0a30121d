import { unit } from "../universe/hash.ts";
import type { Instrument } from "../universe/instrument.ts";
import { quoteOf, roundToTick } from "../universe/quotes.ts";
import type { Market } from "./market.ts";

/** IB's only real-time bar size, in seconds. */
export const REALTIME_BAR_SECONDS = 5;

export interface RealtimeBar {
  /** Bar start, epoch seconds. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  wap: number;
  count: number;
}

/** The 5-second bar starting at `startSec`, from the market's one price path sampled every second. */
export function realtimeBar(
  market: Market,
  i: Instrument,
  startSec: number,
  whatToShow: string,
): RealtimeBar {
  const values = Array.from({ length: REALTIME_BAR_SECONDS }, (_, k) => {
    const price = roundToTick(market.price(i, (startSec + k) * 1000), i.minTick);
    if (whatToShow === "TRADES") return price;
    const q = quoteOf(i, price);
    if (whatToShow === "BID") return q.bid;
    if (whatToShow === "ASK") return q.ask;
    return roundToTick((q.bid + q.ask) / 2, i.minTick / 2);
  });
  const trades = whatToShow === "TRADES";
  const count = trades ? 1 + Math.floor(unit(`rtb:${i.conId}:${startSec}`) * 40) : 0;
  const lot = i.secType === "CASH" ? 100_000 : i.secType === "CRYPTO" ? 0.01 : 100;
  const close = values[values.length - 1]!;
  return {
    time: startSec,
    open: values[0]!,
    high: Math.max(...values),
    low: Math.min(...values),
    close,
    volume: trades ? Number((count * lot).toFixed(4)) : 0,
    wap: Number((values.reduce((s, v) => s + v, 0) / values.length).toFixed(8)),
    count,
  };
}
