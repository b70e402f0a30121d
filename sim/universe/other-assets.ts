import { bonds } from "./bonds.ts";
import { derivedConId } from "./hash.ts";
import { type Instrument, instrumentDefaults } from "./instrument.ts";

interface IndexSeed {
  conId: number;
  symbol: string;
  exchange: string;
  currency?: string;
  longName: string;
  timeZoneId: string;
  price: number;
  headDate: string;
  derivatives: string[];
  session?: "us-index" | "eurex-index";
}

/** Indices; conIds from IB where documented (SPX, NDX, RUT, VIX, DAX), derivedConId otherwise. */
// biome-ignore format: one index per line reads as a table
const indexSeeds: IndexSeed[] = [
  { conId: 416904, symbol: "SPX", exchange: "CBOE", longName: "S&P 500 Stock Index", timeZoneId: "US/Central", price: 5905.1, headDate: "19800102", derivatives: ["OPT", "FUT", "FOP"] },
  { conId: 416843, symbol: "NDX", exchange: "NASDAQ", longName: "NASDAQ 100 Stock Index", timeZoneId: "US/Eastern", price: 20810.4, headDate: "19850201", derivatives: ["OPT", "WAR"] },
  { conId: 416888, symbol: "RUT", exchange: "RUSSELL", longName: "Russell 2000 Stock Index", timeZoneId: "US/Eastern", price: 2385.6, headDate: "19870910", derivatives: ["OPT", "FUT", "WAR"] },
  { conId: 13455763, symbol: "VIX", exchange: "CBOE", longName: "CBOE Volatility Index", timeZoneId: "US/Central", price: 16.8, headDate: "19900102", derivatives: ["OPT", "FUT", "FOP"] },
  { conId: derivedConId("IND:DJX"), symbol: "DJX", exchange: "CBOE", longName: "Dow Jones Industrial Average/100", timeZoneId: "US/Central", price: 445.12, headDate: "19971006", derivatives: ["OPT"] },
  { conId: derivedConId("IND:XSP"), symbol: "XSP", exchange: "CBOE", longName: "Mini-SPX Index", timeZoneId: "US/Central", price: 590.51, headDate: "20051024", derivatives: ["OPT"] },
  { conId: 825711, symbol: "DAX", exchange: "EUREX", currency: "EUR", longName: "DAX 40 Index", timeZoneId: "MET", price: 19450.3, headDate: "19871230", derivatives: ["OPT", "FUT", "WAR"], session: "eurex-index" },
];

const indexes: Instrument[] = indexSeeds.map((s) => ({
  ...instrumentDefaults,
  conId: s.conId,
  symbol: s.symbol,
  secType: "IND",
  exchange: s.exchange,
  currency: s.currency ?? "USD",
  localSymbol: s.symbol,
  tradingClass: s.symbol,
  longName: s.longName,
  minTick: 0.01,
  timeZoneId: s.timeZoneId,
  validExchanges: s.exchange,
  orderTypes: "",
  marketName: s.symbol,
  derivativeSecTypes: s.derivatives,
  price: s.price,
  headDate: s.headDate,
  session: s.session ?? "us-index",
}));

/** IDEALPRO pairs with IB's conIds: base, quote, conId, price, description. */
const FX: Array<[string, string, number, number, string]> = [
  ["EUR", "USD", 12087792, 1.0842, "European Monetary Union Euro"],
  ["GBP", "USD", 12087797, 1.2715, "British pound"],
  ["USD", "JPY", 15016059, 151.42, "US dollar"],
  ["USD", "CHF", 12087820, 0.8815, "US dollar"],
  ["AUD", "USD", 14433401, 0.6512, "Australian dollar"],
  ["USD", "CAD", 15016062, 1.3968, "US dollar"],
  ["NZD", "USD", 39453441, 0.5884, "New Zealand dollar"],
];

const forex: Instrument[] = FX.map(([base, quote, conId, price, longName]) => ({
  ...instrumentDefaults,
  conId,
  symbol: base,
  secType: "CASH",
  exchange: "IDEALPRO",
  currency: quote,
  localSymbol: `${base}.${quote}`,
  tradingClass: `${base}.${quote}`,
  longName,
  minTick: quote === "JPY" ? 0.005 : 0.00005,
  timeZoneId: "US/Eastern",
  validExchanges: "IDEALPRO",
  marketName: `${base}.${quote}`,
  derivativeSecTypes: ["FUT", "OPT", "FOP", "CFD"],
  price,
  headDate: "20050301",
  session: "forex",
  marketRuleIds: "239",
}));

/** PAXOS coins: symbol, conId (IB's for BTC and ETH), price, tick, name. */
const COINS: Array<[string, number, number, number, string]> = [
  ["BTC", 479624278, 95120.5, 0.25, "Bitcoin"],
  ["ETH", 495512563, 3410.25, 0.05, "Ethereum"],
  ["LTC", derivedConId("CRYPTO:LTC"), 98.42, 0.01, "Litecoin"],
  ["BCH", derivedConId("CRYPTO:BCH"), 468.35, 0.01, "Bitcoin Cash"],
];

const crypto: Instrument[] = COINS.map(([symbol, conId, price, minTick, longName]) => ({
  ...instrumentDefaults,
  conId,
  symbol,
  secType: "CRYPTO",
  exchange: "PAXOS",
  currency: "USD",
  localSymbol: `${symbol}.USD`,
  tradingClass: symbol,
  longName,
  minTick,
  timeZoneId: "US/Central",
  validExchanges: "PAXOS",
  orderTypes: "ALGO,DAY,GTC,IOC,LMT,MKT,MOC,STP,STPLMT",
  marketName: symbol,
  price,
  headDate: "20210322",
  session: "crypto",
}));

/** Indices, forex, crypto and bonds. */
export const otherAssets: Instrument[] = [...indexes, ...forex, ...crypto, ...bonds];
