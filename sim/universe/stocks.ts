import { type Instrument, instrumentDefaults } from "./instrument.ts";
import { type SizeClass, tableRows } from "./stock-table.ts";

const VALID_US =
  "SMART,AMEX,NYSE,CBOE,PHLX,ISE,CHX,ARCA,NASDAQ,DRCTEDGE,BEX,BATS,EDGEA,BYX,IEX,EDGX,FOXRIVER,PEARL,NYSENAT,LTSE,MEMX,IBEOS,OVERNIGHT,TPLUS0,PSX";

interface StockSeed {
  conId: number;
  symbol: string;
  primaryExchange: string;
  longName: string;
  industry: string;
  category: string;
  subcategory: string;
  price: number;
  headDate: string;
  etf?: boolean;
}

const seeds: StockSeed[] = [
  {
    conId: 265598,
    symbol: "AAPL",
    primaryExchange: "NASDAQ",
    longName: "APPLE INC",
    industry: "Technology",
    category: "Computers",
    subcategory: "Computers",
    price: 230.5,
    headDate: "19801212",
  },
  {
    conId: 272093,
    symbol: "MSFT",
    primaryExchange: "NASDAQ",
    longName: "MICROSOFT CORP",
    industry: "Technology",
    category: "Software",
    subcategory: "Applications Software",
    price: 420.25,
    headDate: "19860313",
  },
  {
    conId: 4815747,
    symbol: "NVDA",
    primaryExchange: "NASDAQ",
    longName: "NVIDIA CORP",
    industry: "Technology",
    category: "Semiconductors",
    subcategory: "Electronic Compo-Semicon",
    price: 140.15,
    headDate: "19990122",
  },
  {
    conId: 8314,
    symbol: "IBM",
    primaryExchange: "NYSE",
    longName: "INTL BUSINESS MACHINES CORP",
    industry: "Technology",
    category: "Computers",
    subcategory: "Computer Services",
    price: 221.4,
    headDate: "19800317",
  },
  {
    conId: 76792991,
    symbol: "TSLA",
    primaryExchange: "NASDAQ",
    longName: "TESLA INC",
    industry: "Consumer, Cyclical",
    category: "Auto Manufacturers",
    subcategory: "Auto-Cars/Light Trucks",
    price: 250.8,
    headDate: "20100629",
  },
  {
    conId: 3691937,
    symbol: "AMZN",
    primaryExchange: "NASDAQ",
    longName: "AMAZON.COM INC",
    industry: "Communications",
    category: "Internet",
    subcategory: "E-Commerce/Products",
    price: 200.3,
    headDate: "19970515",
  },
  {
    conId: 208813719,
    symbol: "GOOGL",
    primaryExchange: "NASDAQ",
    longName: "ALPHABET INC-CL A",
    industry: "Communications",
    category: "Internet",
    subcategory: "Web Portals/ISP",
    price: 170.6,
    headDate: "20040819",
  },
  {
    conId: 107113386,
    symbol: "META",
    primaryExchange: "NASDAQ",
    longName: "META PLATFORMS INC-CLASS A",
    industry: "Communications",
    category: "Internet",
    subcategory: "Internet Content-Entmnt",
    price: 580.1,
    headDate: "20120518",
  },
  {
    conId: 4391,
    symbol: "AMD",
    primaryExchange: "NASDAQ",
    longName: "ADVANCED MICRO DEVICES",
    industry: "Technology",
    category: "Semiconductors",
    subcategory: "Electronic Compo-Semicon",
    price: 135.2,
    headDate: "19800317",
  },
  {
    conId: 1520593,
    symbol: "JPM",
    primaryExchange: "NYSE",
    longName: "JPMORGAN CHASE & CO",
    industry: "Financial",
    category: "Banks",
    subcategory: "Money Center Banks",
    price: 240.75,
    headDate: "19800317",
  },
  {
    conId: 756733,
    symbol: "SPY",
    primaryExchange: "ARCA",
    longName: "SPDR S&P 500 ETF TRUST",
    industry: "",
    category: "",
    subcategory: "",
    price: 590.2,
    headDate: "19930129",
    etf: true,
  },
  {
    conId: 320227571,
    symbol: "QQQ",
    primaryExchange: "NASDAQ",
    longName: "INVESCO QQQ TRUST SERIES 1",
    industry: "",
    category: "",
    subcategory: "",
    price: 510.7,
    headDate: "19990310",
    etf: true,
  },
  {
    conId: 9579970,
    symbol: "IWM",
    primaryExchange: "ARCA",
    longName: "ISHARES RUSSELL 2000 ETF",
    industry: "",
    category: "",
    subcategory: "",
    price: 225.35,
    headDate: "20000526",
    etf: true,
  },
];

/** The most traded names: weekly options, and the size class the option listing uses. */
const LARGE = new Set(seeds.map((s) => s.symbol));

/** Volatility levels of the hand-described names. */
// biome-ignore format: a table
const SEED_VOL: Record<string, number> = {
  AAPL: 0.26, MSFT: 0.24, NVDA: 0.5, IBM: 0.24, TSLA: 0.6, AMZN: 0.32, GOOGL: 0.3, META: 0.38, AMD: 0.5, JPM: 0.24,
  SPY: 0.16, QQQ: 0.2, IWM: 0.23,
};

const rowsBySymbol = new Map(tableRows.map((r) => [r.symbol, r]));

/** What the option listing needs to know of a stock or ETF: its size class and volatility level. */
export function optionProfile(symbol: string): { size: SizeClass; vol: number } {
  if (LARGE.has(symbol)) return { size: "L", vol: SEED_VOL[symbol] ?? 0.3 };
  const row = rowsBySymbol.get(symbol);
  return { size: row?.size ?? "S", vol: row?.vol ?? 0.3 };
}

function toInstrument(s: StockSeed): Instrument {
  const market = s.etf ? s.symbol : s.primaryExchange === "NASDAQ" ? "NMS" : s.symbol;
  return {
    ...instrumentDefaults,
    conId: s.conId,
    symbol: s.symbol,
    secType: "STK",
    exchange: "SMART",
    primaryExchange: s.primaryExchange,
    currency: "USD",
    localSymbol: s.symbol,
    tradingClass: market,
    longName: s.longName,
    industry: s.industry,
    category: s.category,
    subcategory: s.subcategory,
    minTick: 0.01,
    timeZoneId: "US/Eastern",
    validExchanges: VALID_US,
    marketName: market,
    stockType: s.etf ? "ETF" : "COMMON",
    derivativeSecTypes: ["CFD", "OPT", "IOPT", "WAR", "BAG"],
    price: s.price,
    headDate: s.headDate,
    session: "us-equity",
    hasFundamentals: !s.etf,
  };
}

/**
 * US stocks and ETFs (IB secType STK; ETFs have stockType "ETF"): the hand-described names above with IB's
 * real conIds, then the tables in data/ with conIds from derivedConId.
 */
export const stocks: Instrument[] = [...seeds, ...tableRows].map(toInstrument);
