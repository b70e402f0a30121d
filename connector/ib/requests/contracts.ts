import type { Contract, SecType } from "@stoqey/ib";
import type { IbClient } from "../client-types.ts";
import { toContractDetails, toSymbolMatch } from "../convert.ts";
import { type Call, describe, general } from "../request.ts";

/** Contract lookups; IBApiNext offers all of them. */
export function contractRequests(
  call: Call,
): Pick<IbClient, "contractDetails" | "matchingSymbols" | "optionParams"> {
  return {
    contractDetails(q, subject, scope) {
      const contract: Contract =
        q.conId !== undefined
          ? { conId: q.conId }
          : {
              symbol: q.symbol,
              secType: q.secType as SecType,
              exchange: q.exchange,
              currency: q.currency,
              lastTradeDateOrContractMonth: q.lastTradeDateOrContractMonth,
              strike: q.strike,
              right: q.right as Contract["right"],
              tradingClass: q.tradingClass || undefined,
            };
      return call(subject, general, scope, async (link) =>
        (await link.next.getContractDetails(contract)).map(toContractDetails),
      );
    },

    matchingSymbols(pattern, scope) {
      return call(`'${pattern}'`, general, scope, async (link) =>
        (await link.next.getMatchingSymbols(pattern)).map(toSymbolMatch),
      );
    },

    optionParams(u, scope) {
      return call(describe(u), general, scope, async (link) =>
        (await link.next.getSecDefOptParams(u.symbol, "", u.secType as SecType, u.conId)).map((p) => ({
          exchange: p.exchange,
          tradingClass: p.tradingClass,
          multiplier: String(p.multiplier),
          expirations: [...p.expirations].sort(),
          strikes: [...p.strikes].sort((a, b) => a - b),
        })),
      );
    },
  };
}
