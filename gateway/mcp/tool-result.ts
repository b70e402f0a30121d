import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type IbMcpError, nextStepFor } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import type { ToolDef } from "../../shared/tool-def.ts";

/**
 * Where a failed call's machine-readable error sits: `result._meta["ib-mcp/error"]` =
 * `{ code, message, retryable, retryAfterMs?, requestId }`. structuredContent stays absent on errors so
 * clients that check it against the tool's outputSchema do not trip.
 */
export const ERROR_META_KEY = "ib-mcp/error";

/** A successful call: the structured result plus the tool's short text summary. */
export function successResult(tool: ToolDef, result: unknown): CallToolResult {
  return {
    content: [{ type: "text", text: tool.summarize(result as never) }],
    structuredContent: result as Record<string, unknown>,
  };
}

/** The one wording of every error an agent sees: `<CODE>: <message> <next step> (request id <id>)`. */
export function errorText(err: IbMcpError, mode: TradingMode, requestId: string): string {
  return `${err.code}: ${err.message} ${nextStepFor(err.toInfo(), mode)} (request id ${requestId})`;
}

/** A failed call as the agent sees it: the error text, plus `_meta`. */
export function errorResult(err: IbMcpError, mode: TradingMode, requestId: string): CallToolResult {
  const info = { ...err.toInfo(), requestId };
  const text = errorText(err, mode, requestId);
  return { isError: true, content: [{ type: "text", text }], _meta: { [ERROR_META_KEY]: info } };
}
