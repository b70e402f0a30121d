import type {
  Contract,
  ContractDescription,
  Bar as IbBar,
  ContractDetails as IbContractDetails,
} from "@stoqey/ib";
import type { z } from "zod";
import type { ContractSummary } from "../../shared/schemas/fields.ts";
import type { Bar } from "../../shared/schemas/history.ts";
import type { ToolOutput } from "../../shared/tool-def.ts";
import type { ContractDetails as ContractDetailsSchema } from "../../shared/tools/get-contract-details.ts";
import type { searchContracts } from "../../shared/tools/search-contracts.ts";

/** Contract details as the catalogue describes them. */
export type ContractDetails = z.infer<typeof ContractDetailsSchema>;
export type SymbolMatch = ToolOutput<typeof searchContracts>["matches"][number];

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
    orderTypes: str(d.orderTypes),
    contractMonth: str(d.contractMonth),
    underConId: num(d.underConId) || undefined,
    stockType: str(d.stockType),
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
