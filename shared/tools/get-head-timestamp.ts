import { z } from "zod";
import { ContractSummary, instrumentFields } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const getHeadTimestamp = readTool({
  name: "get_head_timestamp",
  title: "Earliest data",
  toolsets: ["history"],
  description:
    "The earliest date IB has historical data for an instrument and data type: how far back get_historical_data and get_historical_ticks can reach. Paced as historical data.",
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
