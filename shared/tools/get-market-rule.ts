import { z } from "zod";
import { ContractSummary, instrumentFields } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const PriceIncrement = z.object({
  lowEdge: z.number(),
  increment: z.number(),
});

export const getMarketRule = readTool({
  name: "get_market_rule",
  title: "Price increments",
  toolsets: ["orders", "options"],
  description:
    "Valid price increments by price level (IB market rules). Use before placing a limit/stop price; `price` gets its increment and nearest valid prices. symbol may be a conId.",
  input: z.object({
    ...instrumentFields,
    price: z.number().positive().optional(),
  }),
  output: z.object({
    contract: ContractSummary,
    rules: z.array(
      z.object({
        ruleId: z.number().int(),
        exchanges: z.array(z.string()),
        increments: z.array(PriceIncrement),
      }),
    ),
    atPrice: z
      .object({
        price: z.number(),
        ruleId: z.number().int(),
        increment: z.number(),
        valid: z.boolean(),
        below: z.number(),
        above: z.number(),
      })
      .optional(),
  }),
  summarize: (o) => {
    const rules = o.rules.map(
      (r) =>
        `- rule ${r.ruleId} (${r.exchanges.join(",") || "all"}): ${r.increments.map((i) => `${i.increment} from ${i.lowEdge}`).join(", ")}`,
    );
    const at = o.atPrice
      ? `\n${o.atPrice.price} is ${o.atPrice.valid ? "valid" : `not valid; nearest ${o.atPrice.below} / ${o.atPrice.above}`} (increment ${o.atPrice.increment})`
      : "";
    return `${o.contract.symbol} (conId ${o.contract.conId}) price increments:\n${rules.join("\n")}${at}`;
  },
});
