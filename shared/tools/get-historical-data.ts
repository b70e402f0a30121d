import { z } from "zod";
import { ContractSummary, instrumentFields } from "../schemas/fields.ts";
import { Bar, BarSize, DurationField, WhatToShow } from "../schemas/history.ts";
import { readTool } from "../tool-def.ts";

export const getHistoricalData = readTool({
  name: "get_historical_data",
  title: "Historical bars",
  toolsets: ["history"],
  description:
    "OHLCV bars (with WAP and trade count) for one instrument ending now: the last max_bars bars of the duration. IB allows 60 historical requests per 10 minutes; a repeat within 15 s comes from cache.",
  input: z.object({
    ...instrumentFields,
    duration: DurationField.default("1 M"),
    bar_size: BarSize.default("1 day"),
    data_type: WhatToShow.default("TRADES"),
    max_bars: z.number().int().min(1).max(500).default(20),
    use_rth: z.boolean().default(true).describe("Regular trading hours only"),
  }),
  output: z.object({
    contract: ContractSummary,
    duration: z.string(),
    barSize: z.string(),
    dataType: z.string(),
    totalBars: z.number().int(),
    bars: z.array(Bar),
  }),
  summarize: (o) => {
    const rows = o.bars.map(
      (b) =>
        `${b.time} O ${b.open} H ${b.high} L ${b.low} C ${b.close}${b.volume !== undefined ? ` V ${b.volume}` : ""}`,
    );
    return `${o.contract.symbol} (conId ${o.contract.conId}) ${o.dataType} ${o.barSize} bars over ${o.duration}: showing ${o.bars.length} of ${o.totalBars}\n${rows.join("\n")}`;
  },
});
