import { blackScholes } from "./black-scholes.ts";
import { chainSpecs } from "./derivatives.ts";
import { unit } from "./hash.ts";
import type { Instrument } from "./instrument.ts";
import { universe } from "./instruments.ts";
import { surfaceVol } from "./vol-surface.ts";

/** Top-of-book and day statistics of an instrument. */
export interface Quote {
  bid: number;
  ask: number;
  last: number;
  bidSize: number;
  askSize: number;
  lastSize: number;
  volume: number;
  high: number;
  low: number;
  open: number;
  close: number;
}

/** Rounds to the instrument's tick without float noise. */
export function roundToTick(x: number, minTick: number): number {
  const dec = Math.max(2, Math.ceil(-Math.log10(minTick) - 1e-9));
  return Number((Math.round(x / minTick) * minTick).toFixed(dec));
}

/** The quote around a last price (the reference price by default); the day is up 0.35% on the close. */
export function quoteOf(i: Instrument, last = i.price): Quote {
  const t = i.minTick;
  const half = Math.max(t, roundToTick(last * 0.0001, t));
  const close = roundToTick(i.price / 1.0035, t);
  const size = (k: string) =>
    1 + Math.floor(unit(`${k}:${i.conId}`) * 30) * (i.secType === "CASH" ? 100_000 : 100);
  return {
    bid: roundToTick(last - half, t),
    ask: roundToTick(last + half, t),
    last: roundToTick(last, t),
    bidSize: size("bs"),
    askSize: size("as"),
    lastSize: size("ls"),
    volume: i.secType === "CASH" || i.secType === "IND" ? 0 : Math.round(2e8 / i.price),
    high: roundToTick(Math.max(last, i.price * 1.008), t),
    low: roundToTick(Math.min(last, close * 0.992), t),
    open: roundToTick(close * 1.001, t),
    close,
  };
}

/** Model values of an option: implied vol, greeks, price and underlying price. */
export interface OptionModel {
  impliedVol: number;
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
  optPrice: number;
  undPrice: number;
}

/**
 * Black-Scholes model values of an option on the volatility surface, at `underPrice` (the underlying's price on the
 * shared path at `now`; its reference price when not given).
 */
export function optionModel(i: Instrument, now = Date.now(), underPrice?: number): OptionModel | undefined {
  if (i.secType !== "OPT" || (i.right !== "C" && i.right !== "P")) return undefined;
  const under = universe().byConId.get(i.underConId);
  const spec = chainSpecs[i.underSymbol];
  if (!under || !spec) return undefined;
  const e = i.lastTradeDateOrContractMonth;
  const expiry = Date.UTC(Number(e.slice(0, 4)), Number(e.slice(4, 6)) - 1, Number(e.slice(6, 8)), 21);
  const years = Math.max(0, (expiry - now) / (365 * 86_400_000));
  const spot = underPrice ?? under.price;
  const vol = surfaceVol(spec, spot, i.strike, years);
  const g = blackScholes(i.right, spot, i.strike, years, vol);
  const r4 = (x: number) => Number(x.toFixed(4));
  return {
    impliedVol: r4(vol),
    delta: r4(g.delta),
    gamma: r4(g.gamma),
    vega: r4(g.vega),
    theta: r4(g.theta),
    optPrice: Number(g.price.toFixed(2)),
    undPrice: spot,
  };
}
