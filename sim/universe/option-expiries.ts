import { leapsExpiries, monthlyExpiries, quarterlyExpiries, startOfDay, thirdFriday } from "./calendar.ts";

const DAY_MS = 86_400_000;

/** The n-th (1-based; -1 = last) given weekday of a month, as a day of the month. */
function nthWeekday(y: number, m: number, weekday: number, n: number): number {
  if (n > 0) return 1 + ((weekday - new Date(Date.UTC(y, m, 1)).getUTCDay() + 7) % 7) + 7 * (n - 1);
  const last = new Date(Date.UTC(y, m + 1, 0));
  return last.getUTCDate() - ((last.getUTCDay() - weekday + 7) % 7);
}

/** Easter Sunday (anonymous Gregorian algorithm), as [month0, day]. */
function easter(y: number): [number, number] {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const h = (19 * a + b - Math.floor(b / 4) - Math.floor((b - Math.floor((8 * b + 13) / 25)) / 3) + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((h + l - 7 * Math.floor((a + 11 * h + 22 * l) / 451) + 114) / 31);
  return [m - 1, ((h + l - 7 * Math.floor((a + 11 * h + 22 * l) / 451) + 114) % 31) + 1];
}

/**
 * NYSE full-day holidays, so no option expires on one (expiries move to the weekday before, dailies skip it).
 * Fixed-date holidays on a Sunday move to Monday, on a Saturday to Friday (New Year's Day on a Saturday is not
 * moved back into December).
 */
export function isMarketHoliday(d: Date): boolean {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  const observed = (mm: number, dd: number) => {
    const w = new Date(Date.UTC(y, mm, dd)).getUTCDay();
    return w === 0 ? [mm, dd + 1] : w === 6 ? [mm, dd - 1] : [mm, dd];
  };
  const [em, ed] = easter(y);
  const good = new Date(Date.UTC(y, em, ed - 2));
  const fixed = [observed(0, 1), observed(5, 19), observed(6, 4), observed(11, 25)].filter(
    ([, dd]) => dd! > 0,
  );
  return (
    fixed.some(([mm, dd]) => mm === m && dd === day) ||
    (m === good.getUTCMonth() && day === good.getUTCDate()) ||
    (m === 0 && day === nthWeekday(y, 0, 1, 3)) ||
    (m === 1 && day === nthWeekday(y, 1, 1, 3)) ||
    (m === 4 && day === nthWeekday(y, 4, 1, -1)) ||
    (m === 8 && day === nthWeekday(y, 8, 1, 1)) ||
    (m === 10 && day === nthWeekday(y, 10, 4, 4))
  );
}

/** The expiry date a nominal expiry falls on: the weekday before when the market is closed that day. */
function tradingDayOnOrBefore(d: Date): Date {
  let t = d.getTime();
  while (isMarketHoliday(new Date(t)) || new Date(t).getUTCDay() % 6 === 0) t -= DAY_MS;
  return new Date(t);
}

/** The next `count` days on or after `today` whose weekday passes `keep` (0 = Sunday). */
function nextDays(today: Date, count: number, keep: (weekday: number) => boolean): Date[] {
  const out: Date[] = [];
  for (let t = startOfDay(today).getTime(); out.length < count; t += DAY_MS) {
    const d = new Date(t);
    if (keep(d.getUTCDay())) out.push(d);
  }
  return out;
}

/** Every trading day (daily expiries, as SPXW, XSP and the big ETFs list them). */
export const dailies = (today: Date, count: number) =>
  nextDays(today, count * 2, (w) => w >= 1 && w <= 5)
    .filter((d) => !isMarketHoliday(d))
    .slice(0, count);
/** Fridays (weekly expiries). */
export const fridays = (today: Date, count: number) => nextDays(today, count, (w) => w === 5);
/** Wednesdays (VIXW weeklies). */
export const wednesdays = (today: Date, count: number) => nextDays(today, count, (w) => w === 3);

/** VIX monthly expiry: the Wednesday 30 days before the third Friday of the following month. */
export function vixExpiries(today: Date, count: number): Date[] {
  const out: Date[] = [];
  const start = startOfDay(today).getTime();
  for (let k = 0; out.length < count; k++) {
    const y = today.getUTCFullYear();
    const m = today.getUTCMonth() + k + 1;
    const d = new Date(thirdFriday(y + Math.floor(m / 12), m % 12).getTime() - 30 * DAY_MS);
    if (d.getTime() >= start) out.push(d);
  }
  return out;
}

/** The expiry families a class lists, with how many of each. */
export interface ExpirySchedule {
  dailies?: number;
  fridays?: number;
  wednesdays?: number;
  monthlies?: number;
  quarterlies?: number;
  leaps?: number;
  vix?: number;
}

/** The dates a schedule lists from `today`, sorted and without duplicates. */
export function scheduleDates(today: Date, s: ExpirySchedule): Date[] {
  const all = [
    ...dailies(today, s.dailies ?? 0),
    ...fridays(today, s.fridays ?? 0),
    ...wednesdays(today, s.wednesdays ?? 0),
    ...monthlyExpiries(today, s.monthlies ?? 0),
    ...quarterlyExpiries(today, s.quarterlies ?? 0),
    ...leapsExpiries(today, s.leaps ?? 0),
    ...vixExpiries(today, s.vix ?? 0),
  ];
  const start = startOfDay(today).getTime();
  const moved = all.map(tradingDayOnOrBefore).filter((d) => d.getTime() >= start);
  const unique = new Map(moved.map((d) => [d.getTime(), d]));
  return [...unique.values()].sort((a, b) => a.getTime() - b.getTime());
}
