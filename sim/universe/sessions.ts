import { dayKind } from "./exchange-calendar.ts";
import type { SessionKind } from "./instrument.ts";
import { formatLocalDate, fromLocal, localClock, localParts } from "./time-zone.ts";

/**
 * Trading windows in local minutes of the trade date, and whether weekends trade. A negative start opens
 * the session on the calendar day before (CME's 17:00 CT, IDEALPRO's 17:15 ET).
 */
export interface SessionSpec {
  rth: [number, number];
  eth: [number, number];
  weekends: boolean;
  /** Early-close windows on half days (day after Thanksgiving, Christmas Eve, July 3). */
  half?: { rth: [number, number]; eth: [number, number] };
}

export const sessionSpecs: Record<SessionKind, SessionSpec> = {
  // NYSE/Nasdaq: 13:00 ET early close, extended hours until 17:00
  "us-equity": {
    rth: [570, 960],
    eth: [240, 1200],
    weekends: false,
    half: { rth: [570, 780], eth: [240, 1020] },
  },
  "us-index": {
    rth: [510, 900],
    eth: [510, 900],
    weekends: false,
    half: { rth: [510, 720], eth: [510, 720] },
  },
  // CME equity futures close at 12:00 CT on US half days
  // CME Globex: 17:00 CT the day before to 16:00 CT (the daily halt in between)
  "cme-future": {
    rth: [510, 900],
    eth: [-420, 960],
    weekends: false,
    half: { rth: [510, 720], eth: [-420, 720] },
  },
  "eurex-index": { rth: [540, 1050], eth: [540, 1050], weekends: false },
  // IDEALPRO: 17:15 ET the day before to 17:00 ET, Sunday evening to Friday evening
  forex: { rth: [-405, 1020], eth: [-405, 1020], weekends: false },
  crypto: { rth: [0, 1440], eth: [0, 1440], weekends: true },
  bond: { rth: [480, 1020], eth: [480, 1020], weekends: false, half: { rth: [480, 840], eth: [480, 840] } },
};

/** yyyymmdd of a local day number (days since the epoch in local time). */
function ymdOfDayNumber(n: number): string {
  const d = new Date(n * 86_400_000);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}`;
}

/**
 * The trading window (local minutes) of the local day containing `t`, undefined when the exchange is
 * closed that day (weekend or holiday); half days get their early close.
 */
export function dayWindow(
  t: number,
  kind: SessionKind,
  tz: string,
  rthOnly: boolean,
): [number, number] | undefined {
  const spec = sessionSpecs[kind];
  const c = localClock(t, tz);
  const status = dayKind(kind, ymdOfDayNumber(c.dayNumber), c.weekday);
  if (status === "closed") return undefined;
  const w = status === "half" && spec.half ? spec.half : spec;
  return rthOnly ? w.rth : w.eth;
}

/** True when the instant lies in the session (RTH or extended) in the instrument's zone. */
export function inSession(t: number, kind: SessionKind, tz: string, rthOnly: boolean): boolean {
  const c = localClock(t, tz);
  const w = dayWindow(t, kind, tz, rthOnly);
  if (w && c.minuteOfDay >= w[0] && c.minuteOfDay < w[1]) return true;
  // the evening may already belong to tomorrow's session
  const next = dayWindow(t + 86_400_000, kind, tz, rthOnly);
  return next !== undefined && next[0] < 0 && c.minuteOfDay >= 1440 + next[0];
}

/** True when the local calendar day trades at all. */
export function isTradingDay(t: number, kind: SessionKind, tz: string): boolean {
  return dayWindow(t, kind, tz, false) !== undefined;
}

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60) % 24).padStart(2, "0")}${String(m % 60).padStart(2, "0")}`;

/** IB's tradingHours/liquidHours string for the next 7 days, e.g. "20261125:0930-20261125:1600;20261126:CLOSED". */
export function hoursString(now: number, kind: SessionKind, tz: string, rthOnly: boolean): string {
  const out: string[] = [];
  const p = localParts(now, tz);
  for (let k = 0; k < 7; k++) {
    const dayStart = fromLocal(p.year, p.month, p.day + k, 12, 0, 0, tz);
    const d = formatLocalDate(dayStart, tz);
    const w = dayWindow(dayStart, kind, tz, rthOnly);
    if (!w) {
      out.push(`${d}:CLOSED`);
      continue;
    }
    const [a, b] = w;
    const startDay = a < 0 ? formatLocalDate(dayStart - 86_400_000, tz) : d;
    const endDay = b >= 1440 ? formatLocalDate(dayStart + 86_400_000, tz) : d;
    out.push(`${startDay}:${hhmm(a < 0 ? a + 1440 : a)}-${endDay}:${hhmm(b >= 1440 ? 0 : b)}`);
  }
  return out.join(";");
}
