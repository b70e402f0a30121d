import { z } from "zod";
import { ContractSummary, trimSpaces } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

const code = (what: string, pattern: RegExp, example: string) =>
  z
    .string()
    .overwrite(trimSpaces)
    .min(1)
    .max(40)
    .regex(pattern, `${what} is an IB code like ${example}; get_scanner_parameters lists them`)
    .toUpperCase();

const limit = z.number().positive().optional();

export const ScanRow = z.object({
  rank: z.number().int(),
  contract: ContractSummary,
  distance: z.string().optional(),
  benchmark: z.string().optional(),
  projection: z.string().optional(),
});

export const runScanner = readTool({
  name: "run_scanner",
  title: "Market scanner",
  toolsets: ["scanner"],
  description:
    "IB market scanner snapshot: up to 50 contracts ranked (0 = top) by a scan code (TOP_PERC_GAIN, MOST_ACTIVE, HOT_BY_VOLUME...) in a location; optional filters, market caps in USD millions. get_scanner_parameters lists valid codes.",
  input: z.object({
    scan_code: code("scan_code", /^[A-Za-z0-9_]+$/, "TOP_PERC_GAIN"),
    instrument: code("instrument", /^[A-Za-z0-9.]+$/, "STK").default("STK"),
    location: code("location", /^[A-Za-z0-9._]+$/, "STK.US.MAJOR").default("STK.US.MAJOR"),
    rows: z.number().int().min(1).max(50).default(20),
    above_price: limit,
    below_price: limit,
    above_volume: z.number().int().positive().optional(),
    market_cap_above: limit,
    market_cap_below: limit,
  }),
  output: z.object({ scanCode: z.string(), location: z.string(), rows: z.array(ScanRow) }),
  summarize: (o) =>
    o.rows.length === 0
      ? `${o.scanCode} in ${o.location}: no contracts match.`
      : `${o.scanCode} in ${o.location}:\n${o.rows.map((r) => `${r.rank + 1}. ${r.contract.symbol} ${r.contract.secType} (conId ${r.contract.conId})`).join("\n")}`,
});
