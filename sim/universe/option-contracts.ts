import { blackScholes } from "./black-scholes.ts";
import { occSymbol, ymd } from "./calendar.ts";
import { derivedConId } from "./hash.ts";
import { type Instrument, instrumentDefaults } from "./instrument.ts";
import { type ChainSpec, equitySpec, indexSpec, type OptionClass } from "./option-classes.ts";
import { scheduleDates } from "./option-expiries.ts";
import { optionProfile } from "./stocks.ts";
import { surfaceVol } from "./vol-surface.ts";

const MS_PER_YEAR = 365 * 86_400_000;
/** IB sends every match; a query naming neither expiry nor strike would be tens of thousands of options here. */
export const MAX_OPTION_MATCHES = 2000;
const EQUITY_VALID =
  "SMART,AMEX,CBOE,PHLX,PSE,ISE,BOX,BATS,NASDAQOM,CBOE2,NASDAQBX,MIAX,GEMINI,EDGX,MERCURY,PEARL,EMERALD,MEMX";

/** The option listing of an underlying: every US stock and ETF, and the US indices IB lists options on. */
export function chainSpecOf(under: Instrument): ChainSpec | undefined {
  if (under.secType === "IND") return under.currency === "USD" ? indexSpec(under.symbol) : undefined;
  if (under.secType !== "STK") return undefined;
  const p = optionProfile(under.symbol);
  return equitySpec(under, p.size, p.vol);
}

const round4 = (x: number) => Number(x.toFixed(4));

/** Grid strikes from lo to hi (the increment changes at levels that are multiples of both steps). */
function gridStrikes(spec: ChainSpec, lo: number, hi: number): number[] {
  const out: number[] = [];
  const step0 = spec.grid(lo);
  for (let k = round4(Math.ceil(lo / step0) * step0); k <= hi; k = round4(k + spec.grid(k))) out.push(k);
  return out;
}

/** The strikes the chain lists: the grid within `listedBand` of the underlying's price. */
export function chainStrikes(under: Instrument, spec: ChainSpec): number[] {
  return gridStrikes(spec, under.price * (1 - spec.listedBand), under.price * (1 + spec.listedBand));
}

/** True when a strike is on the class's grid and within a quarter to three times the price: IB lists it. */
export function strikeListed(under: Instrument, spec: ChainSpec, strike: number): boolean {
  const steps = strike / spec.grid(strike);
  return (
    Math.abs(steps - Math.round(steps)) < 1e-9 && strike >= under.price * 0.25 && strike <= under.price * 3
  );
}

/** The expiries of one class as of `today`. */
export function classExpiries(cls: OptionClass, today: Date): string[] {
  return scheduleDates(today, cls.schedule).map(ymd);
}

/** Builds one option contract; the conId and every field are a function of the contract and the day. */
export function makeOption(
  under: Instrument,
  spec: ChainSpec,
  tradingClass: string,
  expiry: string,
  strike: number,
  right: "C" | "P",
  today: Date,
): Instrument {
  const expiryDate = new Date(Date.UTC(+expiry.slice(0, 4), +expiry.slice(4, 6) - 1, +expiry.slice(6, 8)));
  const years = (expiryDate.getTime() - today.getTime()) / MS_PER_YEAR;
  const g = blackScholes(right, under.price, strike, years, surfaceVol(spec, under.price, strike, years));
  const index = under.secType === "IND";
  return {
    ...instrumentDefaults,
    conId: derivedConId(`OPT:${tradingClass}:${expiry}:${strike}:${right}`),
    symbol: under.symbol,
    secType: "OPT",
    exchange: "SMART",
    currency: "USD",
    localSymbol: occSymbol(tradingClass, expiryDate, right, strike),
    tradingClass,
    multiplier: "100",
    lastTradeDateOrContractMonth: expiry,
    strike,
    right,
    longName: under.longName,
    minTick: g.price < 3 ? 0.01 : 0.05,
    timeZoneId: under.timeZoneId,
    validExchanges: index ? ["SMART", ...spec.exchanges].join(",") : EQUITY_VALID,
    marketName: tradingClass,
    underConId: under.conId,
    underSymbol: under.symbol,
    underSecType: under.secType,
    marketRuleIds: "32,109,109",
    price: Math.max(0.01, Math.round(g.price * 100) / 100),
    headDate: ymd(new Date(expiryDate.getTime() - 2 * MS_PER_YEAR)),
    session: under.session,
  };
}

/** The option fields of a contract query; empty means any. */
export interface OptionQuery {
  tradingClass: string;
  expiryPrefix: string;
  strike: number;
  right: string;
  exchange: string;
  multiplier: string;
  currency: string;
}

/** Every listed option of the underlying matching the query, up to MAX_OPTION_MATCHES, in expiry order. */
export function listedOptions(under: Instrument, spec: ChainSpec, q: OptionQuery, today: Date) {
  const out: Array<{ tradingClass: string; expiry: string; strike: number; right: "C" | "P" }> = [];
  const exchangeOk = !q.exchange || q.exchange === "SMART" || spec.exchanges.includes(q.exchange);
  if (!exchangeOk || (q.multiplier && Number(q.multiplier) !== 100) || (q.currency && q.currency !== "USD"))
    return out;
  if (q.strike && !strikeListed(under, spec, q.strike)) return out;
  const strikes = q.strike ? [q.strike] : chainStrikes(under, spec);
  const rights = (["C", "P"] as const).filter((r) => !q.right || q.right === r);
  for (const cls of spec.classes) {
    if (q.tradingClass && q.tradingClass !== cls.tradingClass) continue;
    for (const expiry of classExpiries(cls, today)) {
      if (!expiry.startsWith(q.expiryPrefix)) continue;
      for (const strike of strikes)
        for (const right of rights) {
          if (out.length >= MAX_OPTION_MATCHES) return out;
          out.push({ tradingClass: cls.tradingClass, expiry, strike, right });
        }
    }
  }
  return out.sort((a, b) => a.expiry.localeCompare(b.expiry));
}

/** An OCC symbol ("SPXW  270115C05900000") split into its parts, or undefined. */
export function parseOcc(
  local: string,
): { tradingClass: string; expiry: string; right: "C" | "P"; strike: number } | undefined {
  const m = /^([A-Z0-9]{1,6})\s*(\d{6})([CP])(\d{8})$/.exec(local.trim().toUpperCase());
  if (!m) return undefined;
  return { tradingClass: m[1]!, expiry: `20${m[2]}`, right: m[3] as "C" | "P", strike: Number(m[4]) / 1000 };
}
