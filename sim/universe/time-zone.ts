/** Wall-clock parts of an instant in a time zone. */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(tz, f);
  }
  return f;
}

const offsetCache = new Map<string, number>();

/** The zone's offset from UTC in ms at an instant (cached per zone and hour). */
export function offsetMs(t: number, tz: string): number {
  const key = `${tz}:${Math.floor(t / 3_600_000)}`;
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  const p = localParts(t, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const off = asUtc - Math.floor(t / 1000) * 1000;
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(key, off);
  return off;
}

/** Wall-clock parts of `t` (ms) in `tz`. */
export function localParts(t: number, tz: string): LocalParts {
  const parts = formatter(tz).formatToParts(new Date(t));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "0";
  return {
    year: Number(get("year")),
    month: Number(get("month")),
    day: Number(get("day")),
    hour: Number(get("hour")),
    minute: Number(get("minute")),
    second: Number(get("second")),
    weekday: WEEKDAYS[get("weekday")] ?? 0,
  };
}

/** The UTC instant of a wall-clock time in `tz` (exact except inside DST transitions). */
export function fromLocal(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  tz: string,
): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute, second);
  const first = guess - offsetMs(guess, tz);
  return guess - offsetMs(first, tz);
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** "yyyyMMdd HH:mm:ss" of `t` in `tz`. */
export function formatLocal(t: number, tz: string): string {
  const p = localParts(t, tz);
  return `${p.year}${pad(p.month)}${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** "yyyyMMdd" of `t` in `tz`. */
export function formatLocalDate(t: number, tz: string): string {
  return formatLocal(t, tz).slice(0, 8);
}

/** Fast local clock via the cached offset: minute of day, weekday (0 = Sunday) and local midnight as a UTC-shifted day number. */
export function localClock(
  t: number,
  tz: string,
): { minuteOfDay: number; weekday: number; dayNumber: number } {
  const local = t + offsetMs(t, tz);
  const d = new Date(local);
  return {
    minuteOfDay: d.getUTCHours() * 60 + d.getUTCMinutes(),
    weekday: d.getUTCDay(),
    dayNumber: Math.floor(local / 86_400_000),
  };
}
