import { z } from "zod";
import { ContractSummary, instrumentFields } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const getHeadTimestamp = readTool({
  name: "get_head_timestamp",
  title: "Earliest data",
  toolsets: ["ticks"],
  description:
    "The earliest time IB has historical data for an instrument and data type: how far back history tools reach.",
  input: z.object({
    ...instrumentFields,
    data_type: z.enum(["TRADES", "MIDPOINT", "BID", "ASK", "BID_ASK"]).default("TRADES"),
    use_rth: z.boolean().default(true).describe("Regular trading hours only"),
  }),
  output: z.object({
    contract: ContractSummary,
    dataType: z.string(),
    headTimestamp: z.string().describe("ISO 8601 UTC"),
  }),
  summarize: (o) =>
    `${o.contract.symbol} (conId ${o.contract.conId}) ${o.dataType} data starts at ${o.headTimestamp}`,
});
