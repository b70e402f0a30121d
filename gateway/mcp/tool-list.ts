import { toJsonSchemaCompat } from "@modelcontextprotocol/sdk/server/zod-json-schema-compat.js";
import type { ListToolsResult } from "@modelcontextprotocol/sdk/types.js";
import type { ToolDef, Toolset } from "../../shared/tool-def.ts";
import { outlineOutput } from "./output-outline.ts";

type Listed = ListToolsResult["tools"][number];

const SAFE_INT = Number.MAX_SAFE_INTEGER;

/** True when `minLength: 1` beside this pattern refuses nothing the pattern does not refuse already. */
function refusesEmpty(pattern: unknown): boolean {
  try {
    return typeof pattern === "string" && !new RegExp(pattern, "u").test("");
  } catch {
    return false; // not a pattern this runtime reads: keep minLength
  }
}

/**
 * Drops what says nothing to a client, recursively: `$schema` (MCP fixes the dialect), the ±2^53-1 bounds zod
 * writes on every integer (JSON numbers cannot say more anyway), `minLength: 1` beside a pattern that refuses the
 * empty string already and, in output schemas, `additionalProperties: false` (the server writes the result; a
 * client learns nothing from being told no other field will come). Every remaining keyword is the SDK's conversion.
 */
export function compactSchema(schema: unknown, output = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => compactSchema(s, output));
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$schema") continue;
    if ((key === "minimum" && value === -SAFE_INT) || (key === "maximum" && value === SAFE_INT)) continue;
    if (key === "minLength" && value === 1 && refusesEmpty((schema as { pattern?: unknown }).pattern))
      continue;
    if (output && key === "additionalProperties" && value === false) continue;
    out[key] = compactSchema(value, output);
  }
  return out;
}

/**
 * A tool's annotations less what repeats: annotations.title is the older place of the top-level title (protocol
 * 2025-06-18 on), and openWorldHint true is the spec's default. Either costs every agent's context and says nothing.
 */
export function leanAnnotations(a: Listed["annotations"]): Listed["annotations"] {
  const { title: _sameAsTitle, openWorldHint, ...rest } = a ?? {};
  return openWorldHint === false ? { ...rest, openWorldHint } : rest;
}

/**
 * The tools/list entry of one tool, converted from zod once with the options the SDK's own handler uses, then
 * compacted; the output schema is outlined below its top-level fields (output-outline.ts). `execution` is left
 * out: its absence means taskSupport "forbidden", which is what this server does.
 */
function listEntry(t: ToolDef): Listed {
  return {
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: compactSchema(
      toJsonSchemaCompat(t.input, { strictUnions: true, pipeStrategy: "input" }),
    ) as Listed["inputSchema"],
    outputSchema: outlineOutput(
      compactSchema(toJsonSchemaCompat(t.output, { strictUnions: true, pipeStrategy: "output" }), true),
    ) as Listed["outputSchema"],
    annotations: leanAnnotations(t.annotations),
  };
}

/** The tools/list answer for these tools. */
export function buildToolList(tools: readonly ToolDef[]): ListToolsResult {
  return { tools: tools.map(listEntry) };
}

/** The tools one URL serves: the catalogue tools of its toolsets, by name, with their tools/list answer. */
export interface ToolSelection {
  toolsets: readonly Toolset[];
  byName: ReadonlyMap<string, ToolDef>;
  list: ListToolsResult;
}

/**
 * Selections of `tools` by toolsets, built once per distinct combination (at most 2^8) and reused: nothing is
 * converted per request.
 */
export function createToolSelector(tools: readonly ToolDef[]) {
  const cache = new Map<string, ToolSelection>();
  return function select(toolsets: readonly Toolset[]): ToolSelection {
    const key = toolsets.join(",");
    let selection = cache.get(key);
    if (!selection) {
      const chosen = tools.filter((t) => t.toolsets.some((s) => toolsets.includes(s)));
      selection = { toolsets, byName: new Map(chosen.map((t) => [t.name, t])), list: buildToolList(chosen) };
      cache.set(key, selection);
    }
    return selection;
  };
}
export type ToolSelector = ReturnType<typeof createToolSelector>;
