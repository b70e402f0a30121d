import { z } from "zod";
import { ContractSummary, instrumentFields } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const getHistogram = readTool({
  name: "get_histogram",
  title: "Price histogram",
  toolsets: ["ticks"],
  description:
    "IB's price distribution over a period ending now: size traded at each price level, lowest first.",
  input: z.object({
    ...instrumentFields,
    period: z
      .string()
      .regex(
        /^([1-9]\d{0,2}) (day|week|month|year)s?$/i,
        'period is "<count> <unit>" with unit day, week, month or year, e.g. "3 days" or "1 week"',
      )
      .default("1 week"),
    use_rth: z.boolean().default(true).describe("Regular trading hours only"),
  }),
  output: z.object({
    contract: ContractSummary,
    period: z.string(),
    totalSize: z.number(),
    levels: z.array(z.object({ price: z.number(), size: z.number() })),
  }),
  summarize: (o) =>
    `${o.contract.symbol} (conId ${o.contract.conId}) over ${o.period}: ${o.levels.length} levels, total size ${o.totalSize}\n${o.levels.map((l) => `${l.price}: ${l.size}`).join("\n")}`,
});
