import { trackedIndex } from "./futures.ts";
import type { Instrument } from "./instrument.ts";
import { findInstrument } from "./instruments.ts";

export type Seeded = Pick<Instrument, "conId" | "secType"> & Partial<Pick<Instrument, "tradingClass">>;

/**
 * The conId whose noise an instrument's price path follows: an index future follows its index (its own
 * reference price keeps the basis), so ES sits near the S&P 500 on every bar and quote; the rest their own.
 */
export function pathSeed(i: Seeded): number {
  if (i.secType !== "FUT" || !i.tradingClass) return i.conId;
  const index = trackedIndex(i.tradingClass);
  return (index && findInstrument(index, "IND")?.conId) || i.conId;
}
