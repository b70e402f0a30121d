import { type Market, syntheticMarket } from "../market/market.ts";
import { runningClock } from "../market/replay-market.ts";

/**
 * A fixed moment when every market trades: Wednesday 2026-11-18 11:00 America/New_York (16:00Z). The
 * simulator fills orders only while the instrument's session is open, so tests that expect fills pin
 * its clock here instead of depending on the day they run.
 */
export const OPEN_MOMENT = Date.UTC(2026, 10, 18, 16, 0, 0);

/** The wall-clock instant at which the open clock reads OPEN_MOMENT: when this module loaded. */
const ANCHOR = Date.now();

/** The open clock at real speed, shared by the test process and the simulators it starts. */
export const openNow = runningClock(OPEN_MOMENT, 1, ANCHOR);

/** The synthetic market on the open clock, for `startSimulator({ market: openMarket() })`. */
export function openMarket(): Market {
  return { ...syntheticMarket, now: openNow };
}

/** The same clock for `ib-mcp sim` (e.g. `startNatsStack({ simArgs: OPEN_CLOCK_ARGS })`). */
export const OPEN_CLOCK_ARGS = [
  "--replay-start",
  new Date(OPEN_MOMENT).toISOString(),
  "--replay-anchor",
  String(ANCHOR),
];

/** The synthetic market on a clock that reads `start` now and runs `speed` times as fast as the wall clock. */
export function marketAt(start: number, speed = 1): Market {
  return { ...syntheticMarket, now: runningClock(start, speed) };
}
