import { createRequestCache } from "../../request-cache.ts";
import type { IbClient } from "../client-types.ts";
import { type Call, general } from "../request.ts";

/** IB's market rules are fixed per id; a day keeps them without asking twice. */
const RULE_TTL_MS = 24 * 60 * 60 * 1000;

/** Market rules (price increments) by id, cached and coalesced. */
export function marketRuleRequests(call: Call): Pick<IbClient, "marketRule"> {
  const cache = createRequestCache<Array<{ lowEdge: number; increment: number }>>({ ttlMs: RULE_TTL_MS });
  return {
    marketRule(ruleId, scope) {
      return cache.get(String(ruleId), scope, (run) =>
        call(`market rule ${ruleId}`, general, run, async (link) =>
          (await link.next.getMarketRule(ruleId)).map((p) => ({
            lowEdge: p.lowEdge ?? 0,
            increment: p.increment ?? 0,
          })),
        ),
      );
    },
  };
}
