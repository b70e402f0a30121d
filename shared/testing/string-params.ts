import { z } from "zod";
import type { ToolDef } from "../tool-def.ts";

/** A string parameter of a tool: its name, and whether the tool takes it as a list of strings. */
export interface StringParam {
  name: string;
  list: boolean;
}

/** The schema under optional/default/nullable wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable)
    s = s.unwrap() as z.ZodType;
  return s;
}

/**
 * Every string parameter of a tool, derived from its input schema (a string, or an array of strings), so tests of
 * "every string parameter of every tool" follow the catalogue as it grows.
 */
export function stringParamsOf(tool: ToolDef): StringParam[] {
  const out: StringParam[] = [];
  for (const [name, field] of Object.entries(tool.input.shape as Record<string, z.ZodType>)) {
    const inner = unwrap(field);
    if (inner instanceof z.ZodString) out.push({ name, list: false });
    else if (inner instanceof z.ZodArray && unwrap(inner.element as z.ZodType) instanceof z.ZodString)
      out.push({ name, list: true });
  }
  return out;
}

/**
 * The tool's input schema with every string parameter loosened to any string (defaults kept): what a caller that
 * skips the gateway's schema could send, to test the guard at the wire on its own.
 */
export function loosened(tool: ToolDef): ToolDef {
  const shape: Record<string, z.ZodType> = { ...(tool.input.shape as Record<string, z.ZodType>) };
  for (const p of stringParamsOf(tool)) {
    const base: z.ZodType = p.list ? z.array(z.string()) : z.string();
    const field = tool.input.shape[p.name] as z.ZodType;
    const fallback = field instanceof z.ZodDefault ? (field.def.defaultValue as unknown) : undefined;
    shape[p.name] =
      fallback !== undefined ? base.default(fallback as never) : field.isOptional() ? base.optional() : base;
  }
  return { ...tool, input: z.object(shape) };
}
