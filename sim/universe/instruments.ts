import { bondBySecId } from "./bonds.ts";
import { startOfDay, ymd } from "./calendar.ts";
import { chainRows, chainSpecs, classUnderlying, type OptionChainParams } from "./derivatives.ts";
import { futures } from "./futures.ts";
import type { Instrument } from "./instrument.ts";
import { listedOptions, makeOption, parseOcc } from "./option-contracts.ts";
import { otherAssets } from "./other-assets.ts";
import { stocks } from "./stocks.ts";
import { searchSymbols } from "./symbol-search.ts";

export type { OptionChainParams } from "./derivatives.ts";

/**
 * The simulated universe for one calendar day (expiries are computed from that day). `instruments` holds
 * every non-option contract plus the whole listed chains of AAPL and SPY; any other listed option is built
 * when a query names it and is then kept in `byConId`, so its conId resolves from then on.
 */
export interface Universe {
  day: string;
  today: Date;
  instruments: Instrument[];
  byConId: Map<number, Instrument>;
  /** The first instrument per "SYMBOL|secType". */
  bySymbol: Map<string, Instrument>;
}

/** Chains built with the universe (tests and examples pick from them): all of AAPL's, SPY's two nearest expiries. */
const FEATURED_CHAINS: Array<[string, number]> = [
  ["AAPL", Number.POSITIVE_INFINITY],
  ["SPY", 2],
];

const ANY_OPTION = {
  tradingClass: "",
  expiryPrefix: "",
  strike: 0,
  right: "",
  exchange: "",
  multiplier: "",
  currency: "",
};

function featuredOptions(under: Instrument, expiries: number, today: Date): Instrument[] {
  const spec = chainSpecs[under.symbol];
  if (!spec) return [];
  const listed = listedOptions(under, spec, ANY_OPTION, today);
  const keep = new Set([...new Set(listed.map((o) => o.expiry))].slice(0, expiries));
  return listed
    .filter((o) => keep.has(o.expiry))
    .map((o) => makeOption(under, spec, o.tradingClass, o.expiry, o.strike, o.right, today));
}

/** Builds the universe as of `now`; the same day always gives the same instruments and conIds. */
export function buildUniverse(now: Date): Universe {
  const today = startOfDay(now);
  const base = [...stocks, ...otherAssets, ...futures(today)];
  const featured = FEATURED_CHAINS.flatMap(([s, expiries]) =>
    featuredOptions(base.find((i) => i.symbol === s && i.secType === "STK")!, expiries, today),
  );
  const instruments = [...base, ...featured];
  const bySymbol = new Map<string, Instrument>();
  for (const i of instruments)
    if (!bySymbol.has(`${i.symbol}|${i.secType}`)) bySymbol.set(`${i.symbol}|${i.secType}`, i);
  return {
    day: ymd(today),
    today,
    instruments,
    byConId: new Map(instruments.map((i) => [i.conId, i])),
    bySymbol,
  };
}

let cached: Universe | undefined;

/** Today's universe, rebuilt when the UTC date changes so expiries never go stale. */
export function universe(now = new Date()): Universe {
  if (!cached || cached.day !== ymd(now)) cached = buildUniverse(now);
  return cached;
}

/** The first instrument with this symbol and secType (e.g. findInstrument("AAPL", "STK")). */
export function findInstrument(symbol: string, secType = "STK"): Instrument | undefined {
  return universe().bySymbol.get(`${symbol.toUpperCase()}|${secType.toUpperCase()}`);
}

/** The instrument with this conId (options once a query has named them). */
export function findByConId(conId: number): Instrument | undefined {
  return universe().byConId.get(conId);
}

/** The fields of a contract query; empty strings and zeros mean "any". */
export interface ContractFilter {
  conId?: number;
  symbol?: string;
  secType?: string;
  lastTradeDateOrContractMonth?: string;
  strike?: number;
  right?: string;
  multiplier?: string;
  exchange?: string;
  primaryExchange?: string;
  currency?: string;
  localSymbol?: string;
  tradingClass?: string;
  /** "ISIN" or "CUSIP" with secId: how bonds are looked up by identifier. */
  secIdType?: string;
  secId?: string;
}

function normRight(r: string): string {
  const u = r.toUpperCase();
  return u === "CALL" ? "C" : u === "PUT" ? "P" : u;
}

function exchangeMatches(i: Instrument, exchange: string): boolean {
  if (!exchange) return true;
  const ex = exchange.toUpperCase();
  return ex === i.exchange || ex === i.primaryExchange || i.validExchanges.split(",").includes(ex);
}

/** Listed options matching a query: built on demand and remembered by conId. */
function matchOptions(u: Universe, q: ContractFilter, symbol: string): Instrument[] {
  const occ = q.localSymbol ? parseOcc(q.localSymbol) : undefined;
  const underSymbol = symbol || (occ ? (classUnderlying.get(occ.tradingClass) ?? "") : "");
  const under = u.bySymbol.get(`${underSymbol}|STK`) ?? u.bySymbol.get(`${underSymbol}|IND`);
  const spec = chainSpecs[underSymbol];
  if (!under || !spec || (q.localSymbol && !occ)) return [];
  const query = {
    tradingClass: (q.tradingClass || occ?.tradingClass || "").toUpperCase(),
    expiryPrefix: q.lastTradeDateOrContractMonth || occ?.expiry || "",
    strike: q.strike || occ?.strike || 0,
    right: normRight(q.right || occ?.right || ""),
    exchange: (q.exchange ?? "").toUpperCase(),
    multiplier: q.multiplier ?? "",
    currency: (q.currency ?? "").toUpperCase(),
  };
  return listedOptions(under, spec, query, u.today).map((o) => {
    const made = makeOption(under, spec, o.tradingClass, o.expiry, o.strike, o.right, u.today);
    const known = u.byConId.get(made.conId);
    if (known) return known;
    u.byConId.set(made.conId, made);
    return made;
  });
}

/** Instruments matching a contract query as IB's reqContractDetails does (conId wins when given). */
export function matchContracts(q: ContractFilter): Instrument[] {
  if (q.conId && q.conId > 0) {
    const hit = findByConId(q.conId);
    return hit ? [hit] : [];
  }
  const u = universe();
  const secType = q.secType?.toUpperCase() ?? "";
  const secIdBond = q.secId && /^(ISIN|CUSIP)$/i.test(q.secIdType ?? "") ? bondBySecId(q.secId) : undefined;
  // IB takes a bond's CUSIP or ISIN in the symbol field too
  const bond = secIdBond ?? (secType === "BOND" || !secType ? bondBySecId(q.symbol ?? "") : undefined);
  const symbol = bond?.symbol ?? q.symbol?.toUpperCase() ?? "";
  const localSymbol = q.localSymbol?.toUpperCase() ?? "";
  if (secType === "OPT" || (!symbol && parseOcc(localSymbol))) return matchOptions(u, q, symbol);
  if (!symbol && !localSymbol) return [];
  const month = q.lastTradeDateOrContractMonth ?? "";
  return u.instruments.filter(
    (i) =>
      i.secType !== "OPT" &&
      (!symbol || i.symbol === symbol) &&
      (!localSymbol || i.localSymbol.toUpperCase() === localSymbol) &&
      (!secType || i.secType === secType) &&
      (!q.currency || i.currency === q.currency.toUpperCase()) &&
      (!month ||
        (month.length === 6 && i.contractMonth
          ? i.contractMonth === month
          : i.lastTradeDateOrContractMonth.startsWith(month))) &&
      (!q.multiplier || Number(i.multiplier) === Number(q.multiplier)) &&
      (!q.tradingClass || i.tradingClass === q.tradingClass.toUpperCase()) &&
      exchangeMatches(i, q.exchange ?? ""),
  );
}

/** reqMatchingSymbols: up to 16 non-derivative instruments, ranked as IB ranks them (symbol, then name). */
export function matchSymbols(pattern: string): Instrument[] {
  const pool = universe().instruments.filter((i) => i.secType !== "OPT" && i.secType !== "FUT");
  return searchSymbols(pool, pattern);
}

/** Option chain parameters for an underlying, one row per exchange and trading class as IB sends them. */
export function optionChainParams(symbol: string, underConId: number): OptionChainParams[] {
  const u = universe();
  const under =
    u.byConId.get(underConId) ??
    u.bySymbol.get(`${symbol.toUpperCase()}|STK`) ??
    u.bySymbol.get(`${symbol.toUpperCase()}|IND`);
  if (!under || under.symbol !== symbol.toUpperCase() || under.secType === "OPT") return [];
  return chainRows(under, u.today);
}
