import type {
  Contract,
  ContractDescription,
  Bar as IbBar,
  ContractDetails as IbContractDetails,
} from "@stoqey/ib";
import type { z } from "zod";
import type { ContractSummary } from "../../shared/schemas/fields.ts";
import type { Bar } from "../../shared/schemas/history.ts";
import type { DataType, OptionGreeks, QuoteFields } from "../../shared/schemas/market-data.ts";
import type { ToolOutput } from "../../shared/tool-def.ts";
import type { ContractDetails as ContractDetailsSchema } from "../../shared/tools/get-contract-details.ts";
import type { TradingSession } from "../../shared/tools/get-trading-hours.ts";
import type { searchContracts } from "../../shared/tools/search-contracts.ts";

/** Contract details as the catalogue describes them. */
export type ContractDetails = z.infer<typeof ContractDetailsSchema>;
export type SymbolMatch = ToolOutput<typeof searchContracts>["matches"][number];
export type TradingDay = z.infer<typeof TradingSession>;

// IB sends "" and 0 for unset fields and Number.MAX_VALUE for unset doubles: drop them rather than pass noise on
const str = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);
const num = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) || v === Number.MAX_VALUE ? undefined : v;

function withoutUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

/** An @stoqey/ib contract as the shared ContractSummary. */
export function toContractSummary(c: Contract): ContractSummary {
  return withoutUndefined({
    conId: c.conId ?? 0,
    symbol: c.symbol ?? "",
    secType: String(c.secType ?? ""),
    exchange: str(c.exchange),
    primaryExchange: str(c.primaryExch),
    currency: c.currency ?? "",
    localSymbol: str(c.localSymbol),
    tradingClass: str(c.tradingClass),
    lastTradeDateOrContractMonth: str(c.lastTradeDateOrContractMonth),
    strike: num(c.strike) || undefined,
    right: str(c.right === undefined ? undefined : String(c.right)),
    multiplier: c.multiplier ? String(c.multiplier) : undefined,
  });
}

/** The shared ContractSummary back as an @stoqey/ib contract, for requests that take one. */
export function toIbContract(c: ContractSummary): Contract {
  return { conId: c.conId, exchange: c.exchange ?? "SMART", currency: c.currency };
}

/** @stoqey/ib contract details as the shared ContractDetails shape. */
export function toContractDetails(d: IbContractDetails): ContractDetails {
  return withoutUndefined({
    contract: toContractSummary(d.contract),
    longName: str(d.longName),
    industry: str(d.industry),
    category: str(d.category),
    subcategory: str(d.subcategory),
    marketName: str(d.marketName),
    minTick: num(d.minTick),
    priceMagnifier: num(d.priceMagnifier),
    timeZoneId: str(d.timeZoneId),
    tradingHours: str(d.tradingHours),
    liquidHours: str(d.liquidHours),
    validExchanges: str(d.validExchanges),
    marketRuleIds: str(d.marketRuleIds),
    orderTypes: str(d.orderTypes),
    contractMonth: str(d.contractMonth),
    underConId: num(d.underConId) || undefined,
    stockType: str(d.stockType),
    minSize: num(d.minSize),
    sizeIncrement: num(d.sizeIncrement),
  });
}

/** A reqMatchingSymbols answer as a search_contracts match. */
export function toSymbolMatch(d: ContractDescription): SymbolMatch {
  const c = d.contract ?? {};
  return withoutUndefined({
    conId: c.conId ?? 0,
    symbol: c.symbol ?? "",
    secType: String(c.secType ?? ""),
    primaryExchange: c.primaryExch ?? "",
    currency: c.currency ?? "",
    description: str(c.description),
    derivativeSecTypes: (d.derivativeSecTypes ?? []).map(String),
  });
}

/**
 * IB bar time as the shared format: "yyyyMMdd" (daily and longer) becomes YYYY-MM-DD; epoch seconds
 * (formatDate 2) become ISO 8601 UTC; anything else is passed on unchanged.
 */
export function toBarTime(raw: string): string {
  const day = /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
  if (day) return `${day[1]}-${day[2]}-${day[3]}`;
  if (/^\d{9,11}$/.test(raw)) return new Date(Number(raw) * 1000).toISOString();
  return raw;
}

/** An @stoqey/ib bar as the shared Bar; bars without prices are dropped by the caller. */
export function toBar(b: IbBar): Bar | undefined {
  if (b.time === undefined || b.open === undefined || b.high === undefined) return undefined;
  if (b.low === undefined || b.close === undefined) return undefined;
  return withoutUndefined({
    time: toBarTime(b.time),
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    volume: num(b.volume),
    wap: num(b.WAP),
    count: num(b.count),
  });
}

/** IB's tick type ids (live and delayed) of the quote fields a snapshot fills. */
const priceTicks: Record<number, keyof QuoteFields> = {
  1: "bid",
  66: "bid",
  2: "ask",
  67: "ask",
  4: "last",
  68: "last",
  6: "high",
  72: "high",
  7: "low",
  73: "low",
  9: "close",
  75: "close",
  14: "open",
  76: "open",
};
const sizeTicks: Record<number, keyof QuoteFields> = {
  0: "bidSize",
  69: "bidSize",
  3: "askSize",
  70: "askSize",
  5: "lastSize",
  71: "lastSize",
  8: "volume",
  74: "volume",
};
/** Model option computation (13 live, 83 delayed): the greeks IB computes from its own model. */
export const modelOptionTicks: ReadonlySet<number> = new Set([13, 83]);

/** Stores a tickPrice in the quote; IB's -1 means "no value". */
export function applyPriceTick(q: QuoteFields, tickType: number, value: number): void {
  const field = priceTicks[tickType];
  if (field && Number.isFinite(value) && value !== -1 && value !== Number.MAX_VALUE) q[field] = value;
}

/** Stores a tickSize in the quote. */
export function applySizeTick(q: QuoteFields, tickType: number, value: number | undefined): void {
  const field = sizeTicks[tickType];
  if (field && value !== undefined && Number.isFinite(value) && value >= 0 && value !== Number.MAX_VALUE)
    q[field] = value;
}

/** IB's option computation values as greeks; @stoqey/ib already turns IB's -1/-2 markers into undefined. */
export function toOptionGreeks(v: {
  impliedVol?: number;
  delta?: number;
  optPrice?: number;
  gamma?: number;
  vega?: number;
  theta?: number;
  undPrice?: number;
}): OptionGreeks {
  return withoutUndefined({
    impliedVol: num(v.impliedVol),
    delta: num(v.delta),
    gamma: num(v.gamma),
    theta: num(v.theta),
    vega: num(v.vega),
    modelPrice: num(v.optPrice),
    underlyingPrice: num(v.undPrice),
  });
}

/** IB's market data type numbers (reqMarketDataType, marketDataType) and their names. */
export const marketDataTypeIds: Record<DataType, 1 | 2 | 3 | 4> = {
  live: 1,
  frozen: 2,
  delayed: 3,
  "delayed-frozen": 4,
};

/** The name of an IB market data type number; unknown numbers count as live, as IB's default. */
export function dataTypeOf(id: number): DataType {
  return (Object.entries(marketDataTypeIds).find(([, n]) => n === id)?.[0] as DataType | undefined) ?? "live";
}

/** An IB number, without IB's "unset" markers, or undefined. */
export function ibNumber(v: number | undefined): number | undefined {
  return num(v);
}

/** An IB string without the empty "unset" value, or undefined. */
export function ibString(v: string | undefined): string | undefined {
  return str(v);
}

/** Drops the keys whose value is undefined, for exactOptional-friendly output objects. */
export function compact<T extends object>(o: T): T {
  return withoutUndefined(o);
}

/**
 * IB trading hours ("20240301:0930-20240301:1600;20240302:CLOSED") as days of sessions, times written
 * YYYY-MM-DDTHH:MM in the exchange's time zone. Malformed parts are skipped.
 */
export function parseTradingHours(raw: string | undefined): TradingDay[] {
  if (!raw) return [];
  const iso = (d: string, t: string) =>
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}`;
  const days = new Map<string, TradingDay>();
  const dayOf = (d: string) => {
    const date = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
    let day = days.get(date);
    if (!day) {
      day = { date, closed: true, sessions: [] };
      days.set(date, day);
    }
    return day;
  };
  for (const part of raw.split(";")) {
    const closed = /^(\d{8}):CLOSED$/.exec(part.trim());
    if (closed?.[1]) {
      dayOf(closed[1]);
      continue;
    }
    const m = /^(\d{8}):(\d{4})-(\d{8}):(\d{4})$/.exec(part.trim());
    if (!m?.[1] || !m[2] || !m[3] || !m[4]) continue;
    const day = dayOf(m[1]);
    day.closed = false;
    day.sessions.push({ open: iso(m[1], m[2]), close: iso(m[3], m[4]) });
  }
  return [...days.values()];
}
