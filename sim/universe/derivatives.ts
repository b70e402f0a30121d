import type { Instrument } from "./instrument.ts";
import type { ChainSpec } from "./option-classes.ts";
import { chainSpecOf, chainStrikes, classExpiries } from "./option-contracts.ts";
import { otherAssets } from "./other-assets.ts";
import { stocks } from "./stocks.ts";

export type { ChainSpec } from "./option-classes.ts";
export { chainStrikes } from "./option-contracts.ts";

/** The option listing of every optionable underlying, by symbol (stocks, ETFs and the US index classes). */
export const chainSpecs: Record<string, ChainSpec> = Object.fromEntries(
  [...stocks, ...otherAssets].flatMap((u) => {
    const spec = chainSpecOf(u);
    return spec ? [[u.symbol, spec] as const] : [];
  }),
);

/** The underlying symbol each option trading class belongs to (SPXW → SPX). */
export const classUnderlying: Map<string, string> = new Map(
  Object.entries(chainSpecs).flatMap(([symbol, spec]) => spec.classes.map((c) => [c.tradingClass, symbol])),
);

/** One reqSecDefOptParams answer row. */
export interface OptionChainParams {
  exchange: string;
  underlyingConId: number;
  tradingClass: string;
  multiplier: string;
  expirations: string[];
  strikes: number[];
}

/** The chain rows IB sends for an underlying: SMART and each listing exchange, times each trading class. */
export function chainRows(under: Instrument, today: Date): OptionChainParams[] {
  const spec = chainSpecs[under.symbol];
  if (!spec) return [];
  const strikes = chainStrikes(under, spec);
  return ["SMART", ...spec.exchanges].flatMap((exchange) =>
    spec.classes.map((cls) => ({
      exchange,
      underlyingConId: under.conId,
      tradingClass: cls.tradingClass,
      multiplier: "100",
      expirations: classExpiries(cls, today),
      strikes,
    })),
  );
}
