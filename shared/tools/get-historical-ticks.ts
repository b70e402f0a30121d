import { z } from "zod";
import { ContractSummary, instrumentFields } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

const IsoTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/,
    "give an ISO 8601 time with its zone, e.g. 2026-11-27T15:30:00Z",
  );

export const getHistoricalTicks = readTool({
  name: "get_historical_ticks",
  title: "Historical ticks",
  toolsets: ["ticks"],
  description:
    "Tick history: TRADES (price, size, venue), BID_ASK or MIDPOINT; up to 1000 ticks from `start` forward or back from `end` (default now), oldest first. Pass next_cursor as `cursor` for the next page.",
  input: z.object({
    ...instrumentFields,
    data_type: z.enum(["TRADES", "BID_ASK", "MIDPOINT"]).default("TRADES"),
    start: IsoTime.optional().describe("Forward from this time"),
    end: IsoTime.optional().describe("Back from this time; default now"),
    max_ticks: z.number().int().min(1).max(1000).default(100).describe("Ticks per page"),
    use_rth: z.boolean().default(true).describe("Regular trading hours only"),
    cursor: z
      .string()
      .regex(/^[fb]\d{1,12}$/, "cursor is a next_cursor this tool returned")
      .optional()
      .describe("next_cursor of the previous page"),
  }),
  output: z.object({
    contract: ContractSummary,
    dataType: z.string(),
    ticks: z.array(
      z.object({
        time: z.string(),
        price: z.number().optional(),
        size: z.number().optional(),
        exchange: z.string().optional(),
        bid: z.number().optional(),
        ask: z.number().optional(),
        bidSize: z.number().optional(),
        askSize: z.number().optional(),
      }),
    ),
    next_cursor: z.string().optional().describe("Absent at the end of the data"),
  }),
  summarize: (o) =>
    `${o.contract.symbol} (conId ${o.contract.conId}) ${o.dataType}: ${o.ticks.length} ticks${o.next_cursor ? `, next_cursor ${o.next_cursor}` : ""}\n${o.ticks
      .map((t) =>
        t.bid !== undefined
          ? `${t.time} ${t.bid} x ${t.bidSize ?? ""} / ${t.ask} x ${t.askSize ?? ""}`
          : `${t.time} ${t.price}${t.size !== undefined ? ` x ${t.size}` : ""}${t.exchange ? ` ${t.exchange}` : ""}`,
      )
      .join("\n")}`,
});
