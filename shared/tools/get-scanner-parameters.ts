import { z } from "zod";
import { printableText, trimSpaces } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

const Named = z.object({ code: z.string(), name: z.string() });

export const getScannerParameters = readTool({
  name: "get_scanner_parameters",
  title: "Scanner parameters",
  toolsets: ["scanner"],
  description:
    "Valid run_scanner inputs from IB's scanner parameters: instruments, locations, scan codes, filter codes. Narrow with instrument (STK) and search (scan code or name).",
  input: z.object({
    instrument: z
      .string()
      .overwrite(trimSpaces)
      .max(40)
      .regex(/^[A-Za-z0-9.]*$/, "instrument is an IB code like STK")
      .toUpperCase()
      .default(""),
    search: printableText("search", 40).overwrite(trimSpaces).default(""),
  }),
  output: z.object({
    instruments: z.array(Named),
    locations: z.array(Named.extend({ instruments: z.array(z.string()) })),
    scanCodes: z.array(Named.extend({ instruments: z.array(z.string()) })),
    filters: z.array(Named),
  }),
  summarize: (o) =>
    [
      `Instruments: ${o.instruments.map((i) => i.code).join(", ")}`,
      `Locations: ${o.locations.map((l) => l.code).join(", ")}`,
      `Scan codes (${o.scanCodes.length}): ${o.scanCodes.map((s) => s.code).join(", ")}`,
      `Filters: ${o.filters.map((f) => f.code).join(", ")}`,
    ].join("\n"),
});
