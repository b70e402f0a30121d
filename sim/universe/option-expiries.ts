import {
  leapsExpiries,
  monthlyExpiries,
  quarterlyExpiries,
  startOfDay,
  thirdFriday,
  ymd,
} from "./calendar.ts";
import { holidayName } from "./exchange-calendar.ts";

const DAY_MS = 86_400_000;

/** NYSE full-day holidays, from the exchange calendar the sessions use, so no option expires on a closed day. */
export function isMarketHoliday(d: Date): boolean {
  return holidayName(ymd(d)) !== undefined;
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
