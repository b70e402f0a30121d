import type { Instrument } from "./instrument.ts";
import { universe } from "./instruments.ts";
import { pathSeed } from "./path-seed.ts";
import { pathPrice, volScale } from "./price-path.ts";
import { type OptionModel, optionModel, type Quote, quoteOf, roundToTick } from "./quotes.ts";
import { dayWindow } from "./sessions.ts";
import { fromLocal, localParts } from "./time-zone.ts";

type Priced = Pick<Instrument, "conId" | "price" | "session" | "timeZoneId" | "secType"> &
  Partial<Pick<Instrument, "tradingClass">>;

const sessionCache = new Map<string, { start: number; end: number } | undefined>();

/** Local midnight of the day `k` days after the local day of `t`. */
function midnight(t: number, tz: string, k = 0): number {
  const p = localParts(t, tz);
  return fromLocal(p.year, p.month, p.day + k, 0, 0, 0, tz);
}

/**
 * The session (start, end) of the latest trading day whose session started at or before `t`, looking
 * back up to two weeks; undefined when none (never for a real calendar).
 */
export function latestSession(
  i: Priced,
  t: number,
  rthOnly: boolean,
): { start: number; end: number } | undefined {
  // sessions open and close on whole minutes: one answer per instrument, kind and minute
  const key = `${i.conId}|${rthOnly}|${Math.floor(t / 60_000)}`;
  if (sessionCache.has(key)) return sessionCache.get(key);
  let found: { start: number; end: number } | undefined;
  // from tomorrow: a session that opens the evening before (CME, FX) may already run
  for (let k = 1; k > -15 && !found; k--) {
    const m = midnight(t, i.timeZoneId, k);
    const w = dayWindow(m + 12 * 3_600_000, i.session, i.timeZoneId, rthOnly);
    if (w && m + w[0] * 60_000 <= t) found = { start: m + w[0] * 60_000, end: m + w[1] * 60_000 };
  }
  if (sessionCache.size > 10_000) sessionCache.clear();
  sessionCache.set(key, found);
  return found;
}

/** The last instant at or before `t` when the instrument traded (extended hours included). */
export function lastTradeTime(i: Priced, t: number): number {
  const s = latestSession(i, t, false);
  return s ? Math.min(t, s.end) : t;
}

/**
 * The one price of an instrument at an instant, shared by bars, quotes, portfolio and fills: the
 * deterministic path, frozen at the last trade while the market is closed.
 */
export function livePrice(i: Priced, t: number): number {
  return pathPrice(pathSeed(i), i.price, lastTradeTime(i, t), volScale(i.secType));
}

/** An option's model values at `t`, priced off its underlying's price on the shared path at that instant. */
export function liveOptionModel(i: Instrument, t: number): OptionModel | undefined {
  if (i.secType !== "OPT") return undefined;
  const under = universe().byConId.get(i.underConId);
  return under && optionModel(i, t, livePrice(under, t));
}

/** The price of any instrument at `t`: an option's is its model price off the underlying's, so greeks and quotes agree. */
export function instrumentPrice(i: Instrument, t: number): number {
  return liveOptionModel(i, t)?.optPrice ?? livePrice(i, t);
}

/**
 * The quote at `t`: last on the shared path; open, high and low of the current (or last) regular
 * session so far; close of the regular session before it, as IB's close tick is the prior day's.
 */
export function liveQuote(i: Instrument, t: number): Quote {
  const last = instrumentPrice(i, t);
  const q = quoteOf(i, last);
  const rth = latestSession(i, t, true);
  if (!rth) return q;
  const prev = latestSession(i, rth.start - 1, true);
  const to = Math.min(t, rth.end);
  const r = (x: number) => roundToTick(x, i.minTick);
  const samples = [last];
  if (to >= rth.start)
    for (let k = 0; k <= 12; k++)
      samples.push(
        pathPrice(pathSeed(i), i.price, rth.start + ((to - rth.start) * k) / 12, volScale(i.secType)),
      );
  const open = to >= rth.start ? samples[1]! : last;
  return {
    ...q,
    open: r(open),
    high: r(Math.max(...samples)),
    low: r(Math.min(...samples)),
    close: prev ? r(pathPrice(pathSeed(i), i.price, prev.end, volScale(i.secType))) : q.close,
  };
}
