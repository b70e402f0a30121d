import { blackScholes, impliedVol } from "./black-scholes.ts";
import {
  futureLocalSymbol,
  leapsExpiries,
  monthlyExpiries,
  occSymbol,
  quarterlyExpiries,
  ymd,
} from "./calendar.ts";
import { derivedConId } from "./hash.ts";
import { type Instrument, instrumentDefaults } from "./instrument.ts";

const MS_PER_YEAR = 365 * 86_400_000;

/** ES futures (CME, multiplier 50): the next four quarterly expiries, conIds stable per expiry. */
export function esFutures(today: Date, spx: Instrument): Instrument[] {
  return quarterlyExpiries(today, 4).map((expiry, k) => ({
    ...instrumentDefaults,
    conId: derivedConId(`FUT:ES:${ymd(expiry)}`),
    symbol: "ES",
    secType: "FUT" as const,
    exchange: "CME",
    currency: "USD",
    localSymbol: futureLocalSymbol("ES", expiry),
    tradingClass: "ES",
    multiplier: "50",
    lastTradeDateOrContractMonth: ymd(expiry),
    longName: "E-mini S&P 500",
    minTick: 0.25,
    timeZoneId: "US/Central",
    validExchanges: "CME,QBALGO",
    marketName: "ES",
    underConId: 11004968,
    underSymbol: "ES",
    underSecType: "IND",
    marketRuleIds: "67,67",
    // carry: each quarter out trades a little above spot
    price: Math.round((spx.price * (1 + 0.01 * (k + 1))) / 0.25) * 0.25,
    headDate: ymd(new Date(expiry.getTime() - 2 * MS_PER_YEAR)),
    session: "cme-future" as const,
  }));
}

/** Option chain settings per underlying. */
export interface ChainSpec {
  exchange: string;
  strikeStep: number;
  strikesEachSide: number;
  baseVol: number;
  tradingClass: string;
}

export const chainSpecs: Record<string, ChainSpec> = {
  AAPL: { exchange: "SMART", strikeStep: 5, strikesEachSide: 8, baseVol: 0.26, tradingClass: "AAPL" },
  SPY: { exchange: "SMART", strikeStep: 5, strikesEachSide: 8, baseVol: 0.16, tradingClass: "SPY" },
  SPX: { exchange: "CBOE", strikeStep: 25, strikesEachSide: 8, baseVol: 0.17, tradingClass: "SPX" },
};

/** Option expiries: four monthlies, two more quarterlies and two January LEAPS, sorted. */
export function optionExpiries(today: Date): Date[] {
  const all = [...monthlyExpiries(today, 4), ...quarterlyExpiries(today, 4), ...leapsExpiries(today, 2)];
  const unique = new Map(all.map((d) => [ymd(d), d]));
  return [...unique.values()].sort((a, b) => a.getTime() - b.getTime());
}

/** Strikes around the underlying's price. */
export function chainStrikes(under: Instrument, spec: ChainSpec): number[] {
  const atm = Math.round(under.price / spec.strikeStep) * spec.strikeStep;
  const out: number[] = [];
  for (let k = -spec.strikesEachSide; k <= spec.strikesEachSide; k++) out.push(atm + k * spec.strikeStep);
  return out;
}

/** Every call and put of one underlying's chain. */
export function optionChain(today: Date, under: Instrument): Instrument[] {
  const spec = chainSpecs[under.symbol];
  if (!spec) return [];
  const out: Instrument[] = [];
  for (const expiry of optionExpiries(today)) {
    const years = (expiry.getTime() - today.getTime()) / MS_PER_YEAR;
    for (const strike of chainStrikes(under, spec)) {
      for (const right of ["C", "P"] as const) {
        const g = blackScholes(
          right,
          under.price,
          strike,
          years,
          impliedVol(spec.baseVol, under.price, strike),
        );
        out.push({
          ...instrumentDefaults,
          conId: derivedConId(`OPT:${under.symbol}:${ymd(expiry)}:${strike}:${right}`),
          symbol: under.symbol,
          secType: "OPT",
          exchange: spec.exchange,
          currency: "USD",
          localSymbol: occSymbol(spec.tradingClass, expiry, right, strike),
          tradingClass: spec.tradingClass,
          multiplier: "100",
          lastTradeDateOrContractMonth: ymd(expiry),
          strike,
          right,
          longName: under.longName,
          minTick: g.price < 3 ? 0.01 : 0.05,
          timeZoneId: under.timeZoneId,
          validExchanges:
            spec.exchange === "SMART"
              ? "SMART,AMEX,CBOE,PHLX,PSE,ISE,BOX,BATS,NASDAQOM,CBOE2,NASDAQBX,MIAX,GEMINI,EDGX,MERCURY,PEARL,EMERALD,MEMX"
              : spec.exchange,
          marketName: spec.tradingClass,
          underConId: under.conId,
          underSymbol: under.symbol,
          underSecType: under.secType,
          marketRuleIds: "32,109,109",
          price: Math.max(0.01, Math.round(g.price * 100) / 100),
          headDate: ymd(new Date(expiry.getTime() - 2 * MS_PER_YEAR)),
          session: under.session,
        });
      }
    }
  }
  return out;
}
