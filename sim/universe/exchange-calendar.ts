import type { SessionKind } from "./instrument.ts";

/** How a calendar day trades on an exchange. */
export type DayKind = "closed" | "half" | "full";

const key = (y: number, m: number, d: number) =>
  `${y}${String(m).padStart(2, "0")}${String(d).padStart(2, "0")}`;

/** Weekday (0 = Sunday) of a civil date. */
function weekday(y: number, m: number, d: number): number {
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** The n-th given weekday of a month (n = -1: the last one), as a day of month. */
function nthWeekday(y: number, m: number, wd: number, n: number): number {
  if (n > 0) return 1 + ((wd - weekday(y, m, 1) + 7) % 7) + (n - 1) * 7;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return last - ((weekday(y, m, last) - wd + 7) % 7);
}

/** Easter Sunday (Gregorian computus, Meeus/Jones/Butcher) as [month, day]. */
export function easter(y: number): [number, number] {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return [month, ((h + l - 7 * m + 114) % 31) + 1];
}

/** A fixed-date holiday moved to Friday when it falls on Saturday, Monday when on Sunday. */
function observed(y: number, m: number, d: number): string {
  const wd = weekday(y, m, d);
  const t = Date.UTC(y, m - 1, d) + (wd === 6 ? -1 : wd === 0 ? 1 : 0) * 86_400_000;
  const o = new Date(t);
  return key(o.getUTCFullYear(), o.getUTCMonth() + 1, o.getUTCDate());
}

const cache = new Map<number, { holidays: Map<string, string>; halfDays: Set<string> }>();

/** NYSE/Nasdaq full holidays (yyyymmdd → name) and early closes (13:00 ET) of a year, by rule. */
export function usEquityCalendar(y: number): { holidays: Map<string, string>; halfDays: Set<string> } {
  const hit = cache.get(y);
  if (hit) return hit;
  const holidays = new Map<string, string>();
  // NYSE does not move New Year's Day back onto the previous year's Friday (rule 7.2)
  if (weekday(y, 1, 1) !== 6) holidays.set(observed(y, 1, 1), "New Year's Day");
  holidays.set(key(y, 1, nthWeekday(y, 1, 1, 3)), "Martin Luther King Jr. Day");
  holidays.set(key(y, 2, nthWeekday(y, 2, 1, 3)), "Washington's Birthday");
  const [em, ed] = easter(y);
  const gf = new Date(Date.UTC(y, em - 1, ed - 2));
  holidays.set(key(y, gf.getUTCMonth() + 1, gf.getUTCDate()), "Good Friday");
  holidays.set(key(y, 5, nthWeekday(y, 5, 1, -1)), "Memorial Day");
  if (y >= 2022) holidays.set(observed(y, 6, 19), "Juneteenth");
  holidays.set(observed(y, 7, 4), "Independence Day");
  holidays.set(key(y, 9, nthWeekday(y, 9, 1, 1)), "Labor Day");
  const thanksgiving = nthWeekday(y, 11, 4, 4);
  holidays.set(key(y, 11, thanksgiving), "Thanksgiving Day");
  holidays.set(observed(y, 12, 25), "Christmas Day");

  const halfDays = new Set<string>();
  const weekdayOpen = (m: number, d: number) => {
    const wd = weekday(y, m, d);
    return wd !== 0 && wd !== 6 && !holidays.has(key(y, m, d));
  };
  if (weekdayOpen(7, 3)) halfDays.add(key(y, 7, 3));
  halfDays.add(key(y, 11, thanksgiving + 1));
  if (weekdayOpen(12, 24)) halfDays.add(key(y, 12, 24));
  const out = { holidays, halfDays };
  cache.set(y, out);
  return out;
}

/** Session kinds that follow the US exchange holiday calendar (CME and bonds approximated by it). */
const US_CALENDAR: ReadonlySet<SessionKind> = new Set(["us-equity", "us-index", "cme-future", "bond"]);

/** How the exchange of a session kind trades on a local calendar day (yyyymmdd, weekday 0 = Sunday). */
export function dayKind(kind: SessionKind, ymd: string, wd: number): DayKind {
  if (kind === "crypto") return "full";
  if (wd === 0 || wd === 6) return "closed";
  const y = Number(ymd.slice(0, 4));
  if (kind === "forex") return ymd.endsWith("1225") || ymd.endsWith("0101") ? "closed" : "full";
  if (!US_CALENDAR.has(kind)) return "full";
  const cal = usEquityCalendar(y);
  if (cal.holidays.has(ymd)) return "closed";
  return cal.halfDays.has(ymd) ? "half" : "full";
}

/** The holiday's name, when the day is a US exchange holiday. */
export function holidayName(ymd: string): string | undefined {
  return usEquityCalendar(Number(ymd.slice(0, 4))).holidays.get(ymd);
}
