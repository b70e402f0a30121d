import type { ChainSpec } from "./option-classes.ts";

/**
 * The implied volatility of one strike and expiry: an at-the-money term structure (short-dated volatility
 * `shortTermRatio` times the one-year level, fading over about three months) plus skew and smile in
 * log-moneyness standardised by the square root of time, so short expiries skew more, as listed options do.
 * Calls and puts of one strike and expiry share it, so put-call parity holds.
 */
export function surfaceVol(spec: ChainSpec, spot: number, strike: number, years: number): number {
  const t = Math.max(years, 1 / 365);
  const shortWeight = Math.exp(-t / 0.25);
  const atm = spec.baseVol * (shortWeight * spec.shortTermRatio + (1 - shortWeight));
  const x = Math.log(strike / spot) / Math.sqrt(Math.max(t, 1 / 52));
  const v = atm + spec.skew * atm * x + 0.1 * atm * x * x;
  return Math.min(3, Math.max(0.05, v));
}
