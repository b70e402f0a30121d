import type { Instrument } from "./instrument.ts";
import type { ExpirySchedule } from "./option-expiries.ts";
import type { SizeClass } from "./stock-table.ts";

/** One option trading class of an underlying (SPX and SPXW are two classes of SPX). */
export interface OptionClass {
  tradingClass: string;
  schedule: ExpirySchedule;
}

/** How IB lists the options of one underlying. */
export interface ChainSpec {
  /** Listing exchanges; SMART routes to them and comes first in the chain rows. */
  exchanges: string[];
  classes: OptionClass[];
  /** The strike increment at a strike level. */
  grid: (strike: number) => number;
  /** Strikes within this fraction of the price are listed in the chain; any grid strike from a quarter to three times the price resolves. */
  listedBand: number;
  /** At-the-money volatility at one year. */
  baseVol: number;
  /** Slope of volatility in standardised log-moneyness: negative for equities, positive for VIX. */
  skew: number;
  /** Short-dated at-the-money volatility relative to one year (above 1: inverted term structure). */
  shortTermRatio: number;
}

const EQUITY_EXCHANGES = ["CBOE", "AMEX"];

const equityGrid = (k: number) => (k < 25 ? 0.5 : k < 100 ? 1 : k < 250 ? 2.5 : k < 1000 ? 5 : 10);
const etfGrid = (k: number) => (k < 10 ? 0.5 : 1);
const fixed = (step: number) => () => step;

const one = (tradingClass: string, schedule: ExpirySchedule): OptionClass[] => [{ tradingClass, schedule }];

/** Index option classes as IB lists them (names, settlement styles and expiry families). */
const INDEX_SPECS: Record<string, ChainSpec> = {
  SPX: {
    exchanges: ["CBOE"],
    classes: [
      { tradingClass: "SPX", schedule: { monthlies: 12, leaps: 3 } },
      { tradingClass: "SPXW", schedule: { dailies: 10, fridays: 12, monthlies: 12 } },
    ],
    grid: fixed(5),
    listedBand: 0.15,
    baseVol: 0.17,
    skew: -0.35,
    shortTermRatio: 0.85,
  },
  XSP: {
    exchanges: ["CBOE"],
    classes: one("XSP", { dailies: 10, fridays: 8, monthlies: 6, leaps: 1 }),
    grid: fixed(1),
    listedBand: 0.1,
    baseVol: 0.17,
    skew: -0.35,
    shortTermRatio: 0.85,
  },
  NDX: {
    exchanges: ["ISE"],
    classes: [
      { tradingClass: "NDX", schedule: { monthlies: 12, leaps: 2 } },
      { tradingClass: "NDXP", schedule: { dailies: 5, fridays: 8 } },
    ],
    grid: fixed(10),
    listedBand: 0.12,
    baseVol: 0.21,
    skew: -0.3,
    shortTermRatio: 0.88,
  },
  RUT: {
    exchanges: ["CBOE"],
    classes: [
      { tradingClass: "RUT", schedule: { monthlies: 12, leaps: 2 } },
      { tradingClass: "RUTW", schedule: { fridays: 8 } },
    ],
    grid: fixed(5),
    listedBand: 0.15,
    baseVol: 0.23,
    skew: -0.28,
    shortTermRatio: 0.9,
  },
  VIX: {
    exchanges: ["CBOE"],
    classes: [
      { tradingClass: "VIX", schedule: { vix: 8 } },
      { tradingClass: "VIXW", schedule: { wednesdays: 6 } },
    ],
    grid: (k) => (k < 20 ? 0.5 : k < 50 ? 1 : 2.5),
    listedBand: 0.6,
    baseVol: 0.85,
    skew: 0.6,
    shortTermRatio: 1.25,
  },
  DJX: {
    exchanges: ["CBOE"],
    classes: one("DJX", { monthlies: 6, quarterlies: 4, leaps: 2 }),
    grid: fixed(1),
    listedBand: 0.1,
    baseVol: 0.15,
    skew: -0.35,
    shortTermRatio: 0.85,
  },
};

/** ETFs with options every weekday. */
const DAILY_ETFS = new Set(["SPY", "QQQ", "IWM"]);

/** The listing of a stock or ETF's options, from its size class and volatility level. */
export function equitySpec(under: Instrument, size: SizeClass, baseVol: number): ChainSpec {
  const etf = under.stockType === "ETF";
  const schedule: ExpirySchedule = DAILY_ETFS.has(under.symbol)
    ? { dailies: 10, fridays: 8, monthlies: 6, quarterlies: 4, leaps: 3 }
    : size === "L"
      ? { fridays: 6, monthlies: 6, quarterlies: 4, leaps: 2 }
      : { monthlies: size === "M" ? 6 : 4, quarterlies: 4, leaps: size === "S" ? 1 : 2 };
  return {
    exchanges: EQUITY_EXCHANGES,
    classes: one(under.symbol, schedule),
    grid: etf && size === "L" ? etfGrid : equityGrid,
    listedBand: etf && size === "L" ? 0.1 : 0.2,
    baseVol,
    skew: etf ? -0.3 : -0.2,
    shortTermRatio: 1.05,
  };
}

/** The listing of an index's options (undefined for indices without options in the simulator). */
export function indexSpec(symbol: string): ChainSpec | undefined {
  return INDEX_SPECS[symbol];
}
