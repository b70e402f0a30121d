import { IbMcpError } from "../../shared/errors.ts";
import type { ToolOutput } from "../../shared/tool-def.ts";
import { getMarketRule } from "../../shared/tools/get-market-rule.ts";
import { describeInstrument } from "../contracts.ts";
import { defineHandler } from "./context.ts";

type Rule = ToolOutput<typeof getMarketRule>["rules"][number];
type Increment = Rule["increments"][number];

/**
 * IB lists one market rule id per valid exchange, in the same order. The ids are grouped so each rule is asked
 * for once; when IB sends fewer ids than exchanges, the unpaired exchanges follow the first rule.
 */
export function groupRules(
  ruleIds: string,
  validExchanges: string,
): Array<{ ruleId: number; exchanges: string[] }> {
  const ids = ruleIds
    .split(",")
    .map((s) => Number.parseInt(s.trim(), 10))
    .filter((n) => Number.isInteger(n) && n >= 0);
  const exchanges = validExchanges
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const groups = new Map<number, string[]>();
  for (const id of ids) if (!groups.has(id)) groups.set(id, []);
  exchanges.forEach((ex, k) => {
    const id = ids[k] ?? ids[0];
    if (id !== undefined) groups.get(id)?.push(ex);
  });
  return [...groups].map(([ruleId, list]) => ({ ruleId, exchanges: list }));
}

function decimalsOf(x: number): number {
  const [, frac = ""] = x.toString().split(".");
  return x.toString().includes("e-") ? Number(x.toString().split("e-")[1]) + frac.length : frac.length;
}

/** The increment at `price` and the valid prices either side of it (multiples of that increment). */
export function checkPrice(
  increments: Increment[],
  price: number,
): { increment: number; valid: boolean; below: number; above: number } {
  const sorted = [...increments].sort((a, b) => a.lowEdge - b.lowEdge);
  const band = sorted.filter((i) => i.lowEdge <= price).at(-1) ?? sorted[0];
  const increment = band?.increment ?? 0;
  if (!(increment > 0)) return { increment, valid: true, below: price, above: price };
  const places = decimalsOf(increment) + 2;
  const steps = price / increment;
  const round = (n: number) => Number(n.toFixed(places));
  const near = Math.round(steps);
  if (Math.abs(steps - near) < 1e-7)
    return { increment, valid: true, below: round(near * increment), above: round(near * increment) };
  return {
    increment,
    valid: false,
    below: round(Math.floor(steps) * increment),
    above: round(Math.ceil(steps) * increment),
  };
}

export const getMarketRuleHandler = defineHandler(getMarketRule, async (args, ctx) => {
  const [first] = await ctx.contracts.details(args, ctx);
  if (!first) throw new IbMcpError("NOT_FOUND", `No security definition for ${describeInstrument(args)}`);
  const groups = groupRules(first.marketRuleIds ?? "", first.validExchanges ?? "");
  if (groups.length === 0)
    throw new IbMcpError(
      "NOT_FOUND",
      `IB lists no market rule for ${describeInstrument(args)}; use its minTick from get_contract_details`,
    );
  const rules: Rule[] = await Promise.all(
    groups.map(async (g) => ({ ...g, increments: await ctx.ib.marketRule(g.ruleId, ctx) })),
  );
  const out = { contract: first.contract, rules };
  if (args.price === undefined) return out;
  const exchange = (first.contract.exchange ?? "").toUpperCase();
  const rule = rules.find((r) => r.exchanges.includes(exchange)) ?? rules[0];
  if (!rule) return out;
  return {
    ...out,
    atPrice: { price: args.price, ruleId: rule.ruleId, ...checkPrice(rule.increments, args.price) },
  };
});
