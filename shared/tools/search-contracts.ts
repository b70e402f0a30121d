import { z } from "zod";
import { SearchPatternField } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const searchContracts = readTool({
  name: "search_contracts",
  title: "Search contracts",
  toolsets: ["contracts"],
  description:
    "Search instruments by partial symbol or company name (e.g. 'APP', 'Apple'): up to 16 matches with conId, type, primary exchange, currency and derivative types.",
  input: z.object({
    pattern: SearchPatternField.describe("Symbol prefix or company name"),
  }),
  output: z.object({
    pattern: z.string(),
    matches: z.array(
      z.object({
        conId: z.number().int(),
        symbol: z.string(),
        secType: z.string(),
        primaryExchange: z.string(),
        currency: z.string(),
        description: z.string().optional(),
        derivativeSecTypes: z.array(z.string()),
      }),
    ),
  }),
  summarize: (o) =>
    o.matches.length === 0
      ? `No contracts match '${o.pattern}'.`
      : `Contracts matching '${o.pattern}':\n${o.matches
          .map(
            (m) =>
              `- ${m.symbol} (conId ${m.conId}) ${m.secType} on ${m.primaryExchange} (${m.currency})${m.description ? ` ${m.description}` : ""}`,
          )
          .join("\n")}`,
});
