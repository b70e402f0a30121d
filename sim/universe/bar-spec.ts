import { fromLocal } from "./time-zone.ts";

/** Bar sizes IB accepts, in seconds (week and month bars are calendar-aggregated). */
export const BAR_SIZES: Record<string, number> = {
  "1 secs": 1,
  "5 secs": 5,
  "10 secs": 10,
  "15 secs": 15,
  "30 secs": 30,
  "1 min": 60,
  "2 mins": 120,
  "3 mins": 180,
  "5 mins": 300,
  "10 mins": 600,
  "15 mins": 900,
  "20 mins": 1200,
  "30 mins": 1800,
  "1 hour": 3600,
  "2 hours": 7200,
  "3 hours": 10800,
  "4 hours": 14400,
  "8 hours": 28800,
  "1 day": 86400,
  "1 week": 604800,
  "1 month": 2592000,
};

export const WHAT_TO_SHOW = ["TRADES", "MIDPOINT", "BID", "ASK", "ADJUSTED_LAST", "BID_ASK"] as const;
export type WhatToShow = (typeof WHAT_TO_SHOW)[number];

/** A parsed "N U" duration. */
export interface Duration {
  count: number;
  unit: "S" | "D" | "W" | "M" | "Y";
}

/** Parses an IB duration such as "30 D"; undefined when malformed. */
export function parseDuration(s: string): Duration | undefined {
  const m = /^\s*(\d+)\s+([SDWMY])\s*$/i.exec(s);
  if (!m) return undefined;
  const count = Number(m[1]);
  if (count <= 0) return undefined;
  return { count, unit: m[2]!.toUpperCase() as Duration["unit"] };
}

/** Normalizes a bar size as IB writes it ("1 min", "5 mins", "1 hour"...); undefined when unknown. */
export function parseBarSize(s: string): { name: string; seconds: number } | undefined {
  const name = s.trim().replace(/\s+/g, " ").toLowerCase();
  const seconds = BAR_SIZES[name];
  return seconds === undefined ? undefined : { name, seconds };
}

/**
 * Parses IB's endDateTime: "" (now), "yyyyMMdd HH:mm:ss" (in `defaultTz`), "yyyyMMdd HH:mm:ss Zone",
 * "yyyyMMdd-HH:mm:ss" (UTC) or "yyyyMMdd". Returns ms, or undefined when malformed.
 */
export function parseEndDateTime(s: string, defaultTz: string, now: number): number | undefined {
  const v = s.trim();
  if (!v) return now;
  const utc = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/.exec(v);
  if (utc) {
    const [, y, mo, d, h, mi, se] = utc.map(Number) as number[];
    return Date.UTC(y!, mo! - 1, d!, h!, mi!, se!);
  }
  const local = /^(\d{4})(\d{2})(\d{2})(?:\s+(\d{2}):(\d{2}):(\d{2}))?(?:\s+(\S+))?$/.exec(v);
  if (!local) return undefined;
  const tz = local[7] ?? defaultTz;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
  } catch {
    return undefined;
  }
  const n = (i: number) => Number(local[i] ?? 0);
  return fromLocal(n(1), n(2), n(3), n(4), n(5), n(6), tz);
}
