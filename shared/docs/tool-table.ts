import { z } from "zod";
import type { ToolDef } from "../tool-def.ts";

/** Markers around the generated table in README.md. */
export const TOOL_TABLE_BEGIN = "<!-- tool-table:begin (generated from shared/tools by `npm run docs`) -->";
export const TOOL_TABLE_END = "<!-- tool-table:end -->";

type JsonSchema = { type?: string; enum?: unknown[]; default?: unknown; items?: JsonSchema };

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.length <= 4 ? s.enum.map((v) => JSON.stringify(v)).join(" \\| ") : "enum";
  if (s.type === "array") return `${typeOf(s.items ?? {})}[]`;
  return s.type ?? "any";
}

function paramsOf(tool: ToolDef): string {
  const json = z.toJSONSchema(tool.input, { io: "input" }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  const params = Object.entries(json.properties ?? {}).map(([name, s]) => {
    const dflt = s.default !== undefined ? ` = ${JSON.stringify(s.default)}` : "";
    const opt = required.has(name) || dflt ? "" : "?";
    return `\`${name}${opt}\`: ${typeOf(s)}${dflt}`;
  });
  return params.length ? params.join(", ") : "none";
}

/** The README's tool table: every catalogue tool with its toolsets, parameters and defaults. */
export function renderToolTable(tools: readonly ToolDef[]): string {
  const rows = tools.map(
    (t) =>
      `| \`${t.name}\` | ${t.title}${t.access === "trade" ? " (trading)" : ""} | ${t.toolsets.join(", ")} | ${paramsOf(t)} |`,
  );
  return [
    TOOL_TABLE_BEGIN,
    "| tool | what | toolsets | parameters |",
    "|---|---|---|---|",
    ...rows,
    TOOL_TABLE_END,
  ].join("\n");
}

/** README text with the generated table put between its markers (or undefined when the markers are missing). */
export function withToolTable(readme: string, tools: readonly ToolDef[]): string | undefined {
  const begin = readme.indexOf(TOOL_TABLE_BEGIN);
  const end = readme.indexOf(TOOL_TABLE_END);
  if (begin < 0 || end < begin) return undefined;
  return readme.slice(0, begin) + renderToolTable(tools) + readme.slice(end + TOOL_TABLE_END.length);
}
