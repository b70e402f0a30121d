import { EventName, type PriceIncrement } from "@stoqey/ib";
import { createRequestCache } from "../../request-cache.ts";
import type { IbClient } from "../client.ts";
import { byReqId, type Call, general, type Handler } from "../request.ts";

/** IB's market rules are fixed per id; a day keeps them without asking twice. */
const RULE_TTL_MS = 24 * 60 * 60 * 1000;

/** Market rules (price increments) by id, cached and coalesced: IB answers by rule id, not by request id. */
export function marketRuleRequests(call: Call): Pick<IbClient, "marketRule"> {
  const cache = createRequestCache<Array<{ lowEdge: number; increment: number }>>({ ttlMs: RULE_TTL_MS });
  return {
    marketRule(ruleId, scope) {
      const subject = `market rule ${ruleId}`;
      return cache.get(String(ruleId), () =>
        call(subject, general, scope, (link) =>
          byReqId<Array<{ lowEdge: number; increment: number }>>(link, scope, subject, (_reqId, done) => ({
            events: [
              [
                EventName.marketRule,
                ((id: number, increments: PriceIncrement[]) =>
                  id === ruleId &&
                  done(
                    increments.map((p) => ({ lowEdge: p.lowEdge ?? 0, increment: p.increment ?? 0 })),
                  )) as Handler,
              ],
            ],
            send: () => link.raw.reqMarketRule(ruleId),
          })),
        ),
      );
    },
  };
}
