import type { HandlerFn } from "../connection.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";
import { MARKET_RULES } from "../universe/market-rules.ts";

/** reqMarketRule: MARKET_RULE carries no request id, only the rule id and its increments. */
export const reqMarketRule: HandlerFn = (conn, r) => {
  const ruleId = r.int();
  const rule = MARKET_RULES.get(ruleId);
  if (!rule)
    return conn.error(-1, 321, `Error validating request:-'cN' : cause - Invalid market rule id ${ruleId}`);
  conn.send(ServerMsg.marketRule, ruleId, rule.length, ...rule.flatMap((p) => [p.lowEdge, p.increment]));
};
