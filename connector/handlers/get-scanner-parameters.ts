import { IbMcpError } from "../../shared/errors.ts";
import type { ToolOutput } from "../../shared/tool-def.ts";
import { getScannerParameters } from "../../shared/tools/get-scanner-parameters.ts";
import { defineHandler } from "./context.ts";

type Summary = ToolOutput<typeof getScannerParameters>;

const decode = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();

/** The text of the first `<tag>` directly in `block`, decoded. */
function field(block: string, tag: string): string {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(block);
  return m ? decode(m[1] ?? "") : "";
}

/** Every `<tag>...</tag>` block; for nested tags (Location) each opening tag starts a block up to its own fields. */
function blocks(xml: string, tag: string): string[] {
  return xml.split(new RegExp(`<${tag}[\\s>]`)).slice(1);
}

const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * IB's scanner parameter XML (ScanParameterResponse, a few MB from IB) as the lists an agent needs. Read with
 * patterns, not a DOM: the document is regular, and only four kinds of element matter.
 */
export function summarizeScannerXml(xml: string): Summary {
  if (!xml.includes("<ScanParameterResponse"))
    throw new IbMcpError(
      "INTERNAL",
      "IB's scanner parameters are not the ScanParameterResponse document expected",
    );
  const instruments = blocks(xml, "Instrument").map((b) => ({
    code: field(b, "type"),
    name: field(b, "name"),
  }));
  const locations = blocks(xml, "Location").map((b) => ({
    code: field(b.split(/<LocationTree/)[0] ?? b, "locationCode"),
    name: field(b.split(/<LocationTree/)[0] ?? b, "displayName"),
    instruments: list(field(b.split(/<LocationTree/)[0] ?? b, "instruments")),
  }));
  const scanCodes = blocks(xml, "ScanType").map((b) => ({
    code: field(b, "scanCode"),
    name: field(b, "displayName"),
    instruments: list(field(b, "instruments")),
  }));
  const filters = blocks(xml, "AbstractField").map((b) => ({
    code: field(b, "code"),
    name: field(b, "displayName"),
  }));
  const unique = <T extends { code: string }>(xs: T[]) => [
    ...new Map(xs.filter((x) => x.code).map((x) => [x.code, x])).values(),
  ];
  return {
    instruments: unique(instruments),
    locations: unique(locations),
    scanCodes: unique(scanCodes),
    filters: unique(filters),
  };
}

let last: { xml: string; summary: Summary } | undefined;

export const getScannerParametersHandler = defineHandler(getScannerParameters, async (args, ctx) => {
  const xml = await ctx.ib.scannerParameters(ctx);
  if (last?.xml !== xml) last = { xml, summary: summarizeScannerXml(xml) };
  const all = last.summary;
  const forInstrument = <T extends { instruments: string[] }>(xs: T[]) =>
    args.instrument ? xs.filter((x) => x.instruments.includes(args.instrument)) : xs;
  const needle = args.search.toLowerCase();
  const scanCodes = forInstrument(all.scanCodes).filter(
    (s) => !needle || s.code.toLowerCase().includes(needle) || s.name.toLowerCase().includes(needle),
  );
  if (args.instrument && !all.instruments.some((i) => i.code === args.instrument))
    throw new IbMcpError(
      "NOT_FOUND",
      `IB lists no scanner instrument ${args.instrument}; instruments: ${all.instruments.map((i) => i.code).join(", ")}`,
    );
  return { ...all, locations: forInstrument(all.locations), scanCodes };
});
