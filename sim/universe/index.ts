export {
  accountValues,
  dailyPnl,
  initialPositions,
  marketValue,
  type SimPosition,
  STARTING_CASH,
  unrealizedPnl,
} from "./accounts.ts";
export {
  BAR_SIZES,
  parseBarSize,
  parseDuration,
  parseEndDateTime,
  WHAT_TO_SHOW,
  type WhatToShow,
} from "./bar-spec.ts";
export { type Bar, type BarRequest, generateBars, MAX_BARS, windowStart } from "./bars.ts";
export { chainSpecs, chainStrikes, classUnderlying } from "./derivatives.ts";
export { fundamentalsOf, fundamentalXml, REPORT_TYPES, type ReportType } from "./fundamentals.ts";
export { derivedConId } from "./hash.ts";
export { Instrument, SessionKind } from "./instrument.ts";
export {
  buildUniverse,
  type ContractFilter,
  findByConId,
  findInstrument,
  matchContracts,
  matchSymbols,
  optionChainParams,
  type Universe,
  universe,
} from "./instruments.ts";
export { articleText, formatNewsTime, type Headline, headlinesFor, NEWS_PROVIDERS } from "./news.ts";
export { pathPrice } from "./price-path.ts";
export { optionModel, type Quote, quoteOf, roundToTick } from "./quotes.ts";
