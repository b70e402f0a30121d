import { ETFS } from "./data/etfs.ts";
import { SECTORS } from "./data/sectors.ts";
import { STOCKS_GROWTH } from "./data/stocks-growth.ts";
import { STOCKS_VALUE } from "./data/stocks-value.ts";
import { derivedConId, hash32 } from "./hash.ts";

/** How actively a name trades: L names list weekly options and trade the most shares. */
export type SizeClass = "L" | "M" | "S";

/** One row of the stock tables, expanded. */
export interface StockRow {
  conId: number;
  symbol: string;
  primaryExchange: string;
  longName: string;
  industry: string;
  category: string;
  subcategory: string;
  price: number;
  headDate: string;
  etf: boolean;
  size: SizeClass;
  /** At-the-money implied volatility at one year, by sector and price level. */
  vol: number;
}

// biome-ignore format: a table
const SECTOR_VOL: Record<string, number> = {
  SEMI: 0.45, SOFT: 0.35, ENTS: 0.42, COMP: 0.45, CRYP: 0.85, AUTO: 0.5, BIOT: 0.4, SOLR: 0.6, AERO: 0.32,
  UTIL: 0.22, FOOD: 0.19, BEVG: 0.2, HHPR: 0.19, TOBA: 0.21, BANK: 0.27, INSU: 0.22, REIT: 0.24, PHAR: 0.27,
  TELE: 0.22, OILG: 0.3, PIPE: 0.24, GOLD: 0.4, MINE: 0.42, ENTM: 0.9, AIRL: 0.42, ECOM: 0.4, INET: 0.38,
};

/** Volatility of a row: the sector's level, more for small and cheap names, leveraged and VIX funds highest. */
function volOf(sector: string, size: string, price: number, name: string): number {
  if (sector === "ETF") {
    if (/VIX/.test(name)) return 0.85;
    if (/ULTRA|DAILY|2X|BITCOIN|ETHEREUM|BITO/.test(name)) return 0.6;
    return /TREASURY|BOND|AGGREGATE|T-B|TIPS|CORP/.test(name) ? 0.1 : 0.2;
  }
  const base = SECTOR_VOL[sector] ?? 0.3;
  return Number((base + (size === "S" ? 0.04 : 0) + (price < 10 ? 0.35 : price < 30 ? 0.12 : 0)).toFixed(2));
}

const EXCHANGES: Record<string, string> = { Q: "NASDAQ", N: "NYSE", A: "ARCA", B: "BATS" };

function parseRow(line: string): StockRow {
  const [symbol, ex, sector, price, size, longName] = line.split("|");
  const primaryExchange = EXCHANGES[ex ?? ""];
  const etf = sector === "ETF";
  const triple = etf ? ["", "", ""] : SECTORS[sector ?? ""];
  if (!symbol || !primaryExchange || !triple || !longName || !/^[LMS]$/.test(size ?? ""))
    throw new Error(`bad stock table row: ${line}`);
  const [industry = "", category = "", subcategory = ""] = triple;
  // no listing dates in the table: a stable day between 1995 and 2018, enough for head timestamps
  const year = 1995 + (hash32(`head:${symbol}`) % 24);
  return {
    conId: derivedConId(`STK:${symbol}`),
    symbol,
    primaryExchange,
    longName,
    industry,
    category,
    subcategory,
    price: Number(price),
    headDate: `${year}0103`,
    etf,
    size: size as SizeClass,
    vol: volOf(sector ?? "", size ?? "", Number(price), longName),
  };
}

/** Every row of the stock and ETF tables (the hand-described names of stocks.ts come first there). */
export const tableRows: StockRow[] = [STOCKS_GROWTH, STOCKS_VALUE, ETFS]
  .flatMap((t) => t.split("\n"))
  .map((l) => l.trim())
  .filter((l) => l.length > 0)
  .map(parseRow);
