import { aggregatePeriods, type Bar, type BarRequest, windowStart } from "../universe/bars.ts";
import type { Instrument } from "../universe/instrument.ts";
import { type Quote, quoteOf, roundToTick } from "../universe/quotes.ts";
import { inSession } from "../universe/sessions.ts";
import { fromLocal, localParts } from "../universe/time-zone.ts";
import type { ReplayRow, ReplaySeries } from "./replay-csv.ts";

/** Index of the last row starting at or before `t`, -1 when none. */
function rowAt(s: ReplaySeries, t: number): number {
  let lo = 0;
  let hi = s.rows.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (s.rows[mid]!.start <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The traded price at `t`: within a bar, from its open toward its close; between bars, the last close. */
export function seriesPrice(s: ReplaySeries, t: number): number {
  const k = rowAt(s, t);
  if (k < 0) return s.rows[0]!.open;
  const r = s.rows[k]!;
  const f = (t - r.start) / s.barMs;
  return f >= 1 ? r.close : r.open + (r.close - r.open) * f;
}

/** A row cut at `t` when it is still forming (what a request made at `t` can know). */
function cut(s: ReplaySeries, r: ReplayRow, t: number): ReplayRow {
  if (r.start + s.barMs <= t) return r;
  const close = seriesPrice(s, t);
  const share = (t - r.start) / s.barMs;
  return {
    ...r,
    close,
    high: Math.max(r.open, close),
    low: Math.min(r.open, close),
    volume: Math.round(r.volume * share),
  };
}

function localDay(t: number, tz: string): number {
  const p = localParts(t, tz);
  return fromLocal(p.year, p.month, p.day, 0, 0, 0, tz);
}

/** The quote at `t`: last from the file; open, high, low and volume of that day so far; close of the day before. */
export function seriesQuote(i: Instrument, s: ReplaySeries, t: number): Quote {
  const last = seriesPrice(s, t);
  const q = quoteOf(i, last);
  const day = localDay(t, i.timeZoneId);
  const today = s.rows.filter((r) => r.start >= day && r.start <= t).map((r) => cut(s, r, t));
  const before = s.rows.filter((r) => r.start < day).at(-1);
  const r = (x: number) => roundToTick(x, i.minTick);
  return {
    ...q,
    open: r(today[0]?.open ?? last),
    high: r(Math.max(last, ...today.map((x) => x.high))),
    low: r(Math.min(last, ...today.map((x) => x.low))),
    close: r(before?.close ?? s.rows[0]!.open),
    volume: today.reduce((n, x) => n + x.volume, 0),
  };
}

function toBar(rows: ReplayRow[], time: number, daily: boolean, req: BarRequest): Bar {
  const i = req.instrument;
  const half = Math.max(i.minTick, rows[0]!.open * 0.0001);
  const shift = req.whatToShow === "BID" ? -half : req.whatToShow === "ASK" ? half : 0;
  const p = (x: number) => roundToTick(x + shift, i.minTick);
  const trades = req.whatToShow === "TRADES" || req.whatToShow === "ADJUSTED_LAST";
  const volume = trades ? rows.reduce((n, r) => n + r.volume, 0) : -1;
  const open = p(rows[0]!.open);
  const close = p(rows.at(-1)!.close);
  const high = p(Math.max(...rows.map((r) => r.high)));
  const low = p(Math.min(...rows.map((r) => r.low)));
  return {
    time,
    daily,
    open,
    high,
    low,
    close,
    volume,
    wap: volume < 0 ? -1 : Number(((open + high + low + close) / 4).toFixed(4)),
    count: volume < 0 ? -1 : Math.floor(volume / 150) + 1,
  };
}

/** Bars of the request built from the file's rows (a bar size under the file's gives the file's bars). */
export function seriesBars(s: ReplaySeries, req: BarRequest): Bar[] {
  const { timeZoneId: tz, session } = req.instrument;
  const start = windowStart(req);
  const rows = s.rows
    .filter((r) => r.start >= start && r.start < req.endMs)
    .filter((r) => !req.useRTH || inSession(r.start, session, tz, true))
    .map((r) => cut(s, r, req.endMs));
  const groups = new Map<number, ReplayRow[]>();
  const step = req.barSeconds * 1000;
  for (const r of rows) {
    const day = localDay(r.start, tz);
    const key = req.barSeconds >= 86_400 ? day : day + Math.floor((r.start - day) / step) * step;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const bars = [...groups].map(([key, g]) =>
    req.barSeconds >= 86_400 ? toBar(g, key, true, req) : toBar(g, Math.max(key, g[0]!.start), false, req),
  );
  return req.barSeconds >= 86_400 ? aggregatePeriods(bars, req.barSeconds, tz) : bars;
}
