import { toJsonSchemaCompat } from "@modelcontextprotocol/sdk/server/zod-json-schema-compat.js";
import type { ListToolsResult } from "@modelcontextprotocol/sdk/types.js";
import type { ToolDef } from "../../shared/tool-def.ts";

/**
 * The tools/list answer, converted from zod once. The SDK's own handler converts every schema on every
 * tools/list; the options here are the ones it uses, so the result is the same (a test holds them together).
 */
export function buildToolList(tools: readonly ToolDef[]): ListToolsResult {
  return {
    tools: tools.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: toJsonSchemaCompat(t.input, {
        strictUnions: true,
        pipeStrategy: "input",
      }) as ListToolsResult["tools"][number]["inputSchema"],
      outputSchema: toJsonSchemaCompat(t.output, {
        strictUnions: true,
        pipeStrategy: "output",
      }) as ListToolsResult["tools"][number]["outputSchema"],
      annotations: t.annotations,
      execution: { taskSupport: "forbidden" as const },
    })),
  };
}
