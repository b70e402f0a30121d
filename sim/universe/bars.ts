import { SimRequestRefused } from "../errors.ts";
import type { Duration, WhatToShow } from "./bar-spec.ts";
import type { Instrument } from "./instrument.ts";
import { pathSeed } from "./path-seed.ts";
import { pathPrice, pathVolume, volScale } from "./price-path.ts";
import { dayWindow, inSession, isTradingDay } from "./sessions.ts";
import { fromLocal, localClock, localParts } from "./time-zone.ts";

/** The most bars one request may return (IB answers "Time length exceed max" beyond its own limits). */
export const MAX_BARS = 20_000;

export interface BarRequest {
  instrument: Pick<Instrument, "conId" | "price" | "session" | "timeZoneId" | "secType" | "minTick"> &
    Partial<Pick<Instrument, "tradingClass">>;
  /** End of the window, ms. */
  endMs: number;
  duration: Duration;
  barSeconds: number;
  whatToShow: WhatToShow;
  useRTH: boolean;
}

/** One bar; `time` is its start (daily: local midnight of its day; weekly and monthly: of its last trading day). */
export interface Bar {
  time: number;
  daily: boolean;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  wap: number;
  count: number;
}

const DAY = 86_400_000;

function decimalsOf(minTick: number): number {
  return Math.max(2, Math.ceil(-Math.log10(minTick) - 1e-9));
}

/** The instant the duration reaches back to from the end. */
export function windowStart(req: BarRequest): number {
  const { endMs, duration, instrument: i } = req;
  const tz = i.timeZoneId;
  const p = localParts(endMs, tz);
  switch (duration.unit) {
    case "S":
      return endMs - duration.count * 1000;
    case "D": {
      // IB counts trading days: walk back over closed days
      let found = 0;
      for (let k = 0; k < duration.count * 3 + 10; k++) {
        const noon = fromLocal(p.year, p.month, p.day - k, 12, 0, 0, tz);
        if (isTradingDay(noon, i.session, tz)) found++;
        if (found === duration.count) {
          // a session that opens the evening before (CME, FX) starts the window there
          const open = Math.min(0, dayWindow(noon, i.session, tz, req.useRTH)?.[0] ?? 0);
          return fromLocal(p.year, p.month, p.day - k, 0, 0, 0, tz) + open * 60_000;
        }
      }
      return endMs - duration.count * DAY;
    }
    case "W":
      return endMs - duration.count * 7 * DAY;
    case "M":
      return fromLocal(p.year, p.month - duration.count, p.day, p.hour, p.minute, p.second, tz);
    case "Y":
      return fromLocal(p.year - duration.count, p.month, p.day, p.hour, p.minute, p.second, tz);
  }
}

function ohlc(req: BarRequest, t0: number, t1: number, seconds: number) {
  const { conId, price, minTick, secType } = req.instrument;
  const seed = pathSeed(req.instrument);
  const samples: number[] = [];
  for (let k = 0; k <= 6; k++)
    samples.push(pathPrice(seed, price, t0 + ((t1 - t0) * k) / 6, volScale(secType)));
  const spread = Math.max(minTick, price * 0.0002);
  const shift = req.whatToShow === "BID" ? -spread / 2 : req.whatToShow === "ASK" ? spread / 2 : 0;
  const dec = decimalsOf(minTick);
  const r = (x: number) => Number((Math.round((x + shift) / minTick) * minTick).toFixed(dec));
  const open = r(samples[0]!);
  const close = r(samples[6]!);
  const high = Math.max(open, close, r(Math.max(...samples)));
  const low = Math.min(open, close, r(Math.min(...samples)));
  const trades = req.whatToShow === "TRADES" || req.whatToShow === "ADJUSTED_LAST";
  const dailyVolume = secType === "CASH" ? 0 : 2e9 / price;
  const volume = trades && dailyVolume > 0 ? pathVolume(conId, t0, seconds, dailyVolume) : -1;
  return {
    open,
    high,
    low,
    close,
    volume,
    wap: volume < 0 ? -1 : Number(((open + high + low + close) / 4).toFixed(dec + 1)),
    count: volume < 0 ? -1 : Math.floor(volume / 150) + 1,
  };
}

function intradayBars(req: BarRequest, start: number): Bar[] {
  const { timeZoneId: tz, session } = req.instrument;
  const step = req.barSeconds * 1000;
  if ((req.endMs - start) / step > MAX_BARS * 3) throw tooMuch();
  // align to the bar grid of the local clock so hourly bars start on the hour
  const p = localParts(start, tz);
  const localMidnight = fromLocal(p.year, p.month, p.day, 0, 0, 0, tz);
  let t = localMidnight + Math.ceil((start - localMidnight) / step) * step;
  const out: Bar[] = [];
  for (; t < req.endMs; t += step) {
    let barStart = t;
    if (!inSession(t, session, tz, req.useRTH)) {
      // a bar straddling the open starts at the open, as IB's 09:30 hourly bar does
      if (step <= 60_000 || !inSession(t + step - 60_000, session, tz, req.useRTH)) continue;
      const open = dayWindow(t, session, tz, req.useRTH)?.[0] ?? 0;
      barStart = t - (t % 60_000) + (open - localClock(t, tz).minuteOfDay) * 60_000;
      if (barStart <= t || barStart >= t + step) continue;
    }
    out.push({
      time: barStart,
      daily: false,
      ...ohlc(req, barStart, Math.min(t + step, req.endMs), req.barSeconds),
    });
    if (out.length > MAX_BARS) throw tooMuch();
  }
  return out;
}

function dailyBars(req: BarRequest, start: number): Bar[] {
  const { timeZoneId: tz, session } = req.instrument;
  const s = localParts(start, tz);
  const out: Bar[] = [];
  for (let k = 0; ; k++) {
    const midnight = fromLocal(s.year, s.month, s.day + k, 0, 0, 0, tz);
    if (midnight >= req.endMs) break;
    // holidays and weekends have no bar; half days close early
    const w = dayWindow(midnight + 12 * 3_600_000, session, tz, req.useRTH);
    if (!w) continue;
    const [a, b] = w;
    const open = midnight + a * 60_000;
    const close = Math.min(midnight + b * 60_000, req.endMs);
    if (open >= req.endMs || close <= start) continue;
    out.push({ time: midnight, daily: true, ...ohlc(req, open, close, (b - a) * 60) });
  }
  return out;
}

/** Weekly and monthly bars: IB dates each by the last trading day it holds (so far, for the current period). */
function aggregate(days: Bar[], keyOf: (t: number) => string): Bar[] {
  const groups = new Map<string, Bar[]>();
  for (const d of days) {
    const k = keyOf(d.time);
    groups.set(k, [...(groups.get(k) ?? []), d]);
  }
  return [...groups.values()].map((g) => {
    const first = g[0]!;
    const last = g.at(-1)!;
    const volume = g.every((b) => b.volume >= 0) ? g.reduce((s, b) => s + b.volume, 0) : -1;
    return {
      time: last.time,
      daily: true,
      open: first.open,
      high: Math.max(...g.map((b) => b.high)),
      low: Math.min(...g.map((b) => b.low)),
      close: last.close,
      volume,
      wap: volume < 0 ? -1 : g.reduce((s, b) => s + b.wap, 0) / g.length,
      count: volume < 0 ? -1 : g.reduce((s, b) => s + b.count, 0),
    };
  });
}

function tooMuch(): SimRequestRefused {
  return new SimRequestRefused("Historical Market Data Service error message:Time length exceed max.");
}

/** Daily bars grouped into weekly (604800 s) or monthly bars, each dated by its last trading day; days as they are otherwise. */
export function aggregatePeriods(days: Bar[], barSeconds: number, tz: string): Bar[] {
  if (barSeconds === 86_400) return days;
  if (barSeconds === 604_800) {
    return aggregate(days, (t) => {
      const p = localParts(t + 12 * 3_600_000, tz);
      const monday = Date.UTC(p.year, p.month - 1, p.day) - ((p.weekday + 6) % 7) * DAY;
      return String(monday);
    });
  }
  return aggregate(days, (t) => {
    const p = localParts(t + 12 * 3_600_000, tz);
    return `${p.year}-${p.month}`;
  });
}

/** Pure: the same request always gives the same bars (prices come from a deterministic path per conId). */
export function generateBars(req: BarRequest): Bar[] {
  const start = windowStart(req);
  if (req.barSeconds < 86_400) return intradayBars(req, start);
  return aggregatePeriods(dailyBars(req, start), req.barSeconds, req.instrument.timeZoneId);
}
