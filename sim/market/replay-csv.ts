import { fromLocal } from "../universe/time-zone.ts";

/** One OHLCV row of a replay file; `start` is the bar's start, ms. */
export interface ReplayRow {
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** A symbol's rows, oldest first, and their bar length. */
export interface ReplaySeries {
  rows: ReplayRow[];
  barMs: number;
}

const HEADER = ["time", "open", "high", "low", "close", "volume"];

/**
 * "2026-11-27 09:30:00" or "20261127 09:30:00" in the exchange's zone, or ISO 8601 with Z or an offset
 * ("2026-11-27T14:30:00Z"); undefined when malformed.
 */
export function parseReplayTime(s: string, tz: string): number | undefined {
  const v = s.trim();
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(v) && v.includes("T")) {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : undefined;
  }
  const m = /^(\d{4})-?(\d{2})-?(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (!m) return undefined;
  const n = (k: number) => Number(m[k] ?? 0);
  return fromLocal(n(1), n(2), n(3), n(4), n(5), n(6), tz);
}

/** Parses one replay file; throws an Error naming the file, line and what to fix. */
export function parseReplayCsv(text: string, file: string, tz: string): ReplaySeries {
  const lines = text
    .split(/\r?\n/)
    .map((l, k) => ({ l: l.trim(), n: k + 1 }))
    .filter(({ l }) => l !== "" && !l.startsWith("#"));
  const fail = (n: number, why: string): never => {
    throw new Error(`${file}:${n}: ${why}`);
  };
  const head = lines.shift();
  const cols = head?.l
    .toLowerCase()
    .split(",")
    .map((c) => c.trim());
  if (!head || cols?.join(",") !== HEADER.join(","))
    fail(head?.n ?? 1, `the header must be exactly "${HEADER.join(",")}"`);
  const rows: ReplayRow[] = [];
  for (const { l, n } of lines) {
    const f = l.split(",").map((c) => c.trim());
    if (f.length !== HEADER.length) fail(n, `expected ${HEADER.length} fields, got ${f.length}`);
    const start = parseReplayTime(f[0]!, tz);
    if (start === undefined)
      fail(n, `bad time "${f[0]}"; use "yyyy-MM-dd HH:mm:ss" (${tz}) or ISO 8601 with Z`);
    const [open, high, low, close, volume] = f.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    if (![open, high, low, close, volume].every((x) => Number.isFinite(x) && x >= 0))
      fail(n, "open, high, low, close and volume must be non-negative numbers");
    if (high < Math.max(open, close, low) || low > Math.min(open, close))
      fail(n, "high/low do not bound open and close");
    const prev = rows.at(-1);
    if (prev && start! <= prev.start) fail(n, "rows must be in increasing time order");
    rows.push({ start: start!, open, high, low, close, volume });
  }
  if (rows.length < 2) fail(head!.n, "a replay file needs at least two rows");
  let barMs = Number.POSITIVE_INFINITY;
  for (let k = 1; k < rows.length; k++) barMs = Math.min(barMs, rows[k]!.start - rows[k - 1]!.start);
  return { rows, barMs };
}
