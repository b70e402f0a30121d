import { z } from "zod";
import { instrumentFields } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const tickerToConid = readTool({
  name: "ticker_to_conid",
  title: "Ticker to conId",
  toolsets: ["contracts"],
  description:
    "Convert a ticker symbol to its IB contract id (conId). Returns the primary conId and every match when the symbol is ambiguous.",
  input: z.object(instrumentFields),
  output: z.object({
    symbol: z.string(),
    conId: z.number().int(),
    matches: z.array(
      z.object({ conId: z.number().int(), secType: z.string(), exchange: z.string(), currency: z.string() }),
    ),
  }),
  summarize: (o) =>
    `conId for ${o.symbol}: ${o.conId}` +
    (o.matches.length > 1
      ? `\nAll matches:\n${o.matches.map((m) => `- ${m.conId} (${m.secType}, ${m.exchange}, ${m.currency})`).join("\n")}`
      : ""),
});
