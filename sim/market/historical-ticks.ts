import { unit } from "../universe/hash.ts";
import type { Instrument } from "../universe/instrument.ts";
import { quoteOf, roundToTick } from "../universe/quotes.ts";
import { inSession } from "../universe/sessions.ts";
import type { Market } from "./market.ts";

/** IB's cap on the ticks one reqHistoricalTicks answers. */
export const MAX_HISTORICAL_TICKS = 1000;
/** How far a request walks through time looking for ticks (closed days are skipped minute by minute). */
const MAX_WALK_MS = 14 * 86_400_000;
/** Exchanges a trade prints on, as IB names them in HISTORICAL_TICKS_LAST. */
const VENUES = ["NASDAQ", "ARCA", "NYSE", "EDGX", "BATS", "IEX", "DRCTEDGE", "FINRA"];

/** One historical tick on the market's price path (all three kinds derive from it). */
export interface HistoricalTick {
  /** Epoch seconds, as IB sends them. */
  time: number;
  price: number;
  size: number;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  exchange: string;
}

/** True when the instrument printed at this whole second: about every other second while in session. */
function printsAt(i: Instrument, second: number, rthOnly: boolean): boolean {
  return (
    unit(`tick:${i.conId}:${second}`) < 0.55 && inSession(second * 1000, i.session, i.timeZoneId, rthOnly)
  );
}

function tickAt(market: Market, i: Instrument, second: number): HistoricalTick {
  const price = roundToTick(market.price(i, second * 1000), i.minTick);
  const q = quoteOf(i, price);
  const lot = i.secType === "CASH" ? 100_000 : 100;
  const size = (k: string) => lot * (1 + Math.floor(unit(`${k}:${i.conId}:${second}`) * 9));
  return {
    time: second,
    price,
    size: size("ts"),
    bid: q.bid,
    ask: q.ask,
    bidSize: size("tb"),
    askSize: size("ta"),
    exchange: VENUES[Math.floor(unit(`venue:${i.conId}:${second}`) * VENUES.length)]!,
  };
}

/**
 * Up to `count` ticks from `startMs` forward (endMs undefined) or back from `endMs` (startMs undefined),
 * oldest first, never past the market's now.
 */
export function historicalTicks(
  market: Market,
  i: Instrument,
  range: { startMs?: number; endMs?: number },
  count: number,
  rthOnly: boolean,
): HistoricalTick[] {
  const now = Math.floor(market.now() / 1000);
  const forward = range.startMs !== undefined;
  const from = Math.floor((range.startMs ?? range.endMs ?? market.now()) / 1000);
  const limit = MAX_WALK_MS / 1000;
  const out: HistoricalTick[] = [];
  let s = forward ? from : Math.min(from, now);
  for (let walked = 0; out.length < count && walked < limit && s <= now; ) {
    if (!inSession(s * 1000, i.session, i.timeZoneId, rthOnly)) {
      // skip a closed stretch a minute at a time
      const step = forward ? 60 - (s % 60) : (s % 60) + 1;
      s += forward ? step : -step;
      walked += step;
      continue;
    }
    if (printsAt(i, s, rthOnly)) out.push(tickAt(market, i, s));
    s += forward ? 1 : -1;
    walked++;
  }
  return forward ? out : out.reverse();
}
