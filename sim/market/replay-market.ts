import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Instrument } from "../universe/instrument.ts";
import { universe } from "../universe/instruments.ts";
import type { Market } from "./market.ts";
import { parseReplayCsv, parseReplayTime, type ReplaySeries } from "./replay-csv.ts";
import { seriesBars, seriesPrice, seriesQuote } from "./replay-series.ts";

/** Replay files by conId: one `SYMBOL.csv` per instrument of the simulator's universe. */
export type ReplayData = Map<number, ReplaySeries>;

/** The base instrument (no option or future) a file's symbol names; stocks first. */
function instrumentFor(symbol: string): Instrument | undefined {
  const all = universe().instruments.filter(
    (i) => i.symbol === symbol && i.secType !== "OPT" && i.secType !== "FUT",
  );
  return all.find((i) => i.secType === "STK") ?? all[0];
}

/** Reads every `*.csv` of `dir`; throws an Error naming the file and what to fix. */
export function loadReplayDir(dir: string): ReplayData {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.toLowerCase().endsWith(".csv"));
  } catch (err) {
    throw new Error(`--replay ${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (files.length === 0) throw new Error(`--replay ${dir}: no SYMBOL.csv files in it`);
  const data: ReplayData = new Map();
  for (const f of files) {
    const symbol = basename(f, ".csv").toUpperCase();
    const i = instrumentFor(symbol);
    if (!i)
      throw new Error(
        `${join(dir, f)}: ${symbol} is not in the simulator's universe; name the file after one`,
      );
    data.set(i.conId, parseReplayCsv(readFileSync(join(dir, f), "utf8"), join(dir, f), i.timeZoneId));
  }
  return data;
}

/** The first bar's start over every file: where the replay clock starts by default. */
export function replayFirstTime(data: ReplayData): number {
  return Math.min(...[...data.values()].map((s) => s.rows[0]!.start));
}

/** Parses --replay-start: a replay time in US/Eastern or ISO 8601 with Z; undefined when malformed. */
export function parseReplayStart(s: string): number | undefined {
  return parseReplayTime(s, "US/Eastern");
}

/**
 * A clock that reads `startMs` at wall-clock time `t0` (default: when created) and runs `speed` times as
 * fast as the wall clock.
 */
export function runningClock(startMs: number, speed: number, t0 = Date.now()): () => number {
  return () => startMs + (Date.now() - t0) * speed;
}

/** The market on a clock of its own: the replay files' instruments follow them, the rest the base path. */
export function replayMarket(base: Market, data: ReplayData, now: () => number): Market {
  return {
    now,
    price: (i, t) => {
      const s = data.get(i.conId);
      return s ? seriesPrice(s, t) : base.price(i, t);
    },
    quote: (i, t) => {
      const s = data.get(i.conId);
      return s ? seriesQuote(i, s, t) : base.quote(i, t);
    },
    bars: (req) => {
      const s = data.get(req.instrument.conId);
      return s ? seriesBars(s, req) : base.bars(req);
    },
  };
}
