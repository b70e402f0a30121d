import { z } from "zod";

/** How an instrument trades through the day; drives trading hours, RTH filtering and bar timestamps. */
export const SessionKind = z.enum([
  "us-equity",
  "us-index",
  "cme-future",
  "eurex-index",
  "forex",
  "crypto",
  "bond",
]);
export type SessionKind = z.infer<typeof SessionKind>;

/** One contract of the simulated universe, with the fields IB's contract details carry. */
export const Instrument = z.object({
  conId: z.number().int().positive(),
  symbol: z.string(),
  secType: z.enum(["STK", "IND", "FUT", "OPT", "CASH", "CRYPTO", "BOND"]),
  exchange: z.string(),
  primaryExchange: z.string(),
  currency: z.string(),
  localSymbol: z.string(),
  tradingClass: z.string(),
  /** As IB sends it: "" when not applicable, else e.g. "100" or "50". */
  multiplier: z.string(),
  /** yyyymmdd for derivatives, "" otherwise. */
  lastTradeDateOrContractMonth: z.string(),
  /** yyyymm when it differs from the last trade date's month (crude oil trades out the month before). */
  contractMonth: z.string().optional(),
  strike: z.number(),
  right: z.enum(["", "C", "P"]),
  longName: z.string(),
  industry: z.string(),
  category: z.string(),
  subcategory: z.string(),
  minTick: z.number().positive(),
  timeZoneId: z.string(),
  validExchanges: z.string(),
  orderTypes: z.string(),
  marketName: z.string(),
  stockType: z.string(),
  underConId: z.number().int(),
  underSymbol: z.string(),
  underSecType: z.string(),
  marketRuleIds: z.string(),
  /** Derivative types IB lists for this symbol in reqMatchingSymbols. */
  derivativeSecTypes: z.array(z.string()),
  /** The simulated reference (last) price; quotes and bars are derived from it. */
  price: z.number().positive(),
  /** First day with historical data, yyyymmdd. */
  headDate: z.string(),
  session: SessionKind,
  /** Fundamentals exist (stocks only, as at IB). */
  hasFundamentals: z.boolean(),
});
export type Instrument = z.infer<typeof Instrument>;

/** Defaults for fields most instruments share; asset-class files override what differs. */
export const instrumentDefaults = {
  primaryExchange: "",
  lastTradeDateOrContractMonth: "",
  strike: 0,
  right: "" as const,
  multiplier: "",
  industry: "",
  category: "",
  subcategory: "",
  stockType: "",
  underConId: 0,
  underSymbol: "",
  underSecType: "",
  marketRuleIds: "26",
  derivativeSecTypes: [] as string[],
  hasFundamentals: false,
  orderTypes:
    "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,DAY,GAT,GTC,GTD,GTT,IOC,LIT,LMT,MIT,MKT,MOC,MTL,NONALGO,OCA,REL,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF",
};
