import { blackScholes } from "./black-scholes.ts";
import type { Instrument } from "./instrument.ts";

/** What IB's option calculators answer: the tickOptionComputation fields. */
export interface OptionComputation {
  impliedVol: number;
  delta: number;
  optPrice: number;
  gamma: number;
  vega: number;
  theta: number;
  undPrice: number;
}

/** The volatilities IB's calculators accept (as fractions: 0.0001 to 10, i.e. 0.01% to 1000%). */
export const VOL_BOUNDS = { min: 0.0001, max: 10 } as const;

/** Years from `now` to the option's expiry (21:00 UTC on its last trading day, as the quotes use). */
export function yearsToExpiry(i: Instrument, now: number): number {
  const e = i.lastTradeDateOrContractMonth;
  const expiry = Date.UTC(Number(e.slice(0, 4)), Number(e.slice(4, 6)) - 1, Number(e.slice(6, 8)), 21);
  return Math.max(0, (expiry - now) / (365 * 86_400_000));
}

const r4 = (x: number) => Number(x.toFixed(4));

/** calculateOptionPrice: the Black-Scholes price and greeks of option `i` at volatility `vol` and price `under`. */
export function priceAtVol(i: Instrument, now: number, vol: number, under: number): OptionComputation {
  const g = blackScholes(i.right as "C" | "P", under, i.strike, yearsToExpiry(i, now), vol);
  return {
    impliedVol: r4(vol),
    delta: r4(g.delta),
    optPrice: r4(g.price),
    gamma: r4(g.gamma),
    vega: r4(g.vega),
    theta: r4(g.theta),
    undPrice: under,
  };
}

/**
 * calculateImpliedVolatility: the volatility at which the model prices option `i` at `price` (bisection; the
 * price rises with volatility), with the greeks there; undefined when no volatility within VOL_BOUNDS gives that
 * price (below intrinsic value, or above what any volatility gives).
 */
export function impliedVolAt(
  i: Instrument,
  now: number,
  price: number,
  under: number,
): OptionComputation | undefined {
  const at = (vol: number) => priceAtVol(i, now, vol, under).optPrice;
  let lo: number = VOL_BOUNDS.min;
  let hi: number = VOL_BOUNDS.max;
  if (price < at(lo) - 1e-4 || price > at(hi) + 1e-4) return undefined;
  for (let k = 0; k < 100 && hi - lo > 1e-7; k++) {
    const mid = (lo + hi) / 2;
    if (at(mid) < price) lo = mid;
    else hi = mid;
  }
  return { ...priceAtVol(i, now, (lo + hi) / 2, under), optPrice: price };
}
