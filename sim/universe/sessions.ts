import type { SessionKind } from "./instrument.ts";
import { formatLocalDate, fromLocal, localClock, localParts } from "./time-zone.ts";

/** Trading windows in local minutes of day, and whether weekends trade. */
export interface SessionSpec {
  rth: [number, number];
  eth: [number, number];
  weekends: boolean;
}

export const sessionSpecs: Record<SessionKind, SessionSpec> = {
  "us-equity": { rth: [570, 960], eth: [240, 1200], weekends: false },
  "us-index": { rth: [510, 900], eth: [510, 900], weekends: false },
  "cme-future": { rth: [510, 900], eth: [0, 1440], weekends: false },
  "eurex-index": { rth: [540, 1050], eth: [540, 1050], weekends: false },
  forex: { rth: [0, 1440], eth: [0, 1440], weekends: false },
  crypto: { rth: [0, 1440], eth: [0, 1440], weekends: true },
  bond: { rth: [480, 1020], eth: [480, 1020], weekends: false },
};

/** True when the instant lies in the session (RTH or extended) in the instrument's zone. */
export function inSession(t: number, kind: SessionKind, tz: string, rthOnly: boolean): boolean {
  const spec = sessionSpecs[kind];
  const c = localClock(t, tz);
  if (!spec.weekends && (c.weekday === 0 || c.weekday === 6)) return false;
  const [a, b] = rthOnly ? spec.rth : spec.eth;
  return c.minuteOfDay >= a && c.minuteOfDay < b;
}

/** True when the local calendar day trades at all. */
export function isTradingDay(t: number, kind: SessionKind, tz: string): boolean {
  const wd = localClock(t, tz).weekday;
  return sessionSpecs[kind].weekends || (wd !== 0 && wd !== 6);
}

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60) % 24).padStart(2, "0")}${String(m % 60).padStart(2, "0")}`;

/** IB's tradingHours/liquidHours string for the next 7 days, e.g. "20261125:0930-20261125:1600;20261128:CLOSED". */
export function hoursString(now: number, kind: SessionKind, tz: string, rthOnly: boolean): string {
  const spec = sessionSpecs[kind];
  const [a, b] = rthOnly ? spec.rth : spec.eth;
  const out: string[] = [];
  const p = localParts(now, tz);
  for (let k = 0; k < 7; k++) {
    const dayStart = fromLocal(p.year, p.month, p.day + k, 12, 0, 0, tz);
    const d = formatLocalDate(dayStart, tz);
    if (!isTradingDay(dayStart, kind, tz)) {
      out.push(`${d}:CLOSED`);
      continue;
    }
    const endDay = b >= 1440 ? formatLocalDate(dayStart + 86_400_000, tz) : d;
    out.push(`${d}:${hhmm(a)}-${endDay}:${hhmm(b >= 1440 ? 0 : b)}`);
  }
  return out.join(";");
}
