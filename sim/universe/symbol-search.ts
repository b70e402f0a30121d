import type { Instrument } from "./instrument.ts";
import { optionProfile } from "./stocks.ts";

/** IB answers reqMatchingSymbols with at most 16 descriptions. */
export const MAX_SYMBOL_MATCHES = 16;

const TYPE_ORDER = ["STK", "IND", "CASH", "CRYPTO", "BOND"];
const SIZE_ORDER = { L: 0, M: 1, S: 2 };

function words(s: string): string[] {
  return s
    .toUpperCase()
    .split(/[^A-Z0-9&]+/)
    .filter(Boolean);
}

/**
 * How well an instrument matches, lower first, undefined for no match: the exact symbol, then symbols starting
 * with the pattern (shorter first), then names with a word starting with each word of the pattern (earlier
 * words first), then names merely containing it.
 */
function score(i: Instrument, p: string, tokens: string[]): number | undefined {
  if (i.symbol === p || i.localSymbol === p) return 0;
  if (i.symbol.startsWith(p)) return 1 + i.symbol.length / 100;
  const name = words(i.longName);
  const positions = tokens.map((t) => name.findIndex((w) => w.startsWith(t)));
  if (tokens.length > 0 && positions.every((k) => k >= 0)) return 2 + Math.min(...positions) / 100;
  return i.longName.toUpperCase().includes(p) ? 3 : undefined;
}

/** reqMatchingSymbols as IB ranks it, from a pool of non-derivative instruments; the most traded first on ties. */
export function searchSymbols(pool: Instrument[], pattern: string): Instrument[] {
  const p = pattern.trim().toUpperCase();
  if (!p) return [];
  const tokens = words(p);
  const popularity = (i: Instrument) => (i.secType === "STK" ? SIZE_ORDER[optionProfile(i.symbol).size] : 0);
  return pool
    .flatMap((i) => {
      const s = score(i, p, tokens);
      return s === undefined ? [] : [{ i, s }];
    })
    .sort(
      (a, b) =>
        a.s - b.s ||
        TYPE_ORDER.indexOf(a.i.secType) - TYPE_ORDER.indexOf(b.i.secType) ||
        popularity(a.i) - popularity(b.i) ||
        a.i.symbol.localeCompare(b.i.symbol),
    )
    .slice(0, MAX_SYMBOL_MATCHES)
    .map((x) => x.i);
}
