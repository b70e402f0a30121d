import { z } from "zod";
import { ContractSummary } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

const code = (what: string, pattern: RegExp, example: string) =>
  z
    .string()
    .trim()
    .toUpperCase()
    .min(1)
    .max(40)
    .regex(pattern, `${what} is an IB code like ${example}; get_scanner_parameters lists them`);

const limit = z.number().positive().max(1e12).optional();

export const ScanRow = z.object({
  rank: z.number().int().describe("0 is the top"),
  contract: ContractSummary,
  marketName: z.string().optional(),
  distance: z.string().optional(),
  benchmark: z.string().optional(),
  projection: z.string().optional(),
});

export const runScanner = readTool({
  name: "run_scanner",
  title: "Market scanner",
  toolsets: ["market"],
  description:
    "A snapshot of IB's market scanner: up to 50 contracts ranked by a scan code (e.g. TOP_PERC_GAIN, TOP_PERC_LOSE, MOST_ACTIVE, HOT_BY_VOLUME) in a location, with optional price, volume and market-cap filters. get_scanner_parameters lists the valid codes.",
  input: z.object({
    scan_code: code("scan_code", /^[A-Z0-9_]+$/, "TOP_PERC_GAIN"),
    instrument: code("instrument", /^[A-Z0-9.]+$/, "STK").default("STK"),
    location: code("location", /^[A-Z0-9._]+$/, "STK.US.MAJOR").default("STK.US.MAJOR"),
    rows: z.number().int().min(1).max(50).default(20),
    above_price: limit,
    below_price: limit,
    above_volume: z.number().int().positive().max(1e12).optional(),
    market_cap_above: limit.describe("USD millions"),
    market_cap_below: limit.describe("USD millions"),
  }),
  output: z.object({ scanCode: z.string(), location: z.string(), rows: z.array(ScanRow) }),
  summarize: (o) =>
    o.rows.length === 0
      ? `${o.scanCode} in ${o.location}: no contracts match.`
      : `${o.scanCode} in ${o.location}:\n${o.rows.map((r) => `${r.rank + 1}. ${r.contract.symbol} ${r.contract.secType} (conId ${r.contract.conId})`).join("\n")}`,
});
