import { z } from "zod";
import { ContractSummary, instrumentFields } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const getRealtimeBars = readTool({
  name: "get_realtime_bars",
  title: "Real-time bars",
  toolsets: ["ticks"],
  description:
    "Live 5-second bars of one instrument: waits for `bars` bars or `max_seconds`, whichever comes first. Holds a market data line meanwhile.",
  input: z.object({
    ...instrumentFields,
    data_type: z.enum(["TRADES", "MIDPOINT", "BID", "ASK"]).default("TRADES"),
    bars: z.number().int().min(1).max(12).default(3).describe("5-second bars to wait for"),
    max_seconds: z.number().int().min(1).max(60).default(15).describe("Longest wait, seconds"),
    use_rth: z.boolean().default(false).describe("Regular trading hours only"),
  }),
  output: z.object({
    contract: ContractSummary,
    dataType: z.string(),
    complete: z.boolean().describe("false when max_seconds ran out first"),
    bars: z.array(
      z.object({
        time: z.string().describe("Bar start, ISO 8601 UTC"),
        open: z.number(),
        high: z.number(),
        low: z.number(),
        close: z.number(),
        volume: z.number(),
        wap: z.number(),
        count: z.number(),
      }),
    ),
  }),
  summarize: (o) =>
    o.bars.length === 0
      ? `No bars for ${o.contract.symbol} (conId ${o.contract.conId}) in the window: out of session or no data.`
      : `${o.contract.symbol} (conId ${o.contract.conId}) ${o.dataType} 5-second bars${o.complete ? "" : " (window ended early)"}:\n${o.bars.map((b) => `${b.time} O ${b.open} H ${b.high} L ${b.low} C ${b.close} V ${b.volume}`).join("\n")}`,
});
