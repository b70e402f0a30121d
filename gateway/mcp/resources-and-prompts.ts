import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { describeIssues } from "../../shared/describe-issues.ts";
import { type ErrorInfo, IbMcpError, toIbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import { promptCatalogue } from "../../shared/prompts/index.ts";
import { type ResourceDef, resourceCatalogue } from "../../shared/resources/index.ts";
import type { CallScope, ToolCaller } from "./call-tool.ts";
import { JsonRpcCode } from "./jsonrpc.ts";
import type { RequestMuxTransport } from "./request-mux.ts";
import { ERROR_META_KEY, errorText } from "./tool-result.ts";

// JSON-RPC codes of a failed read: MCP's "resource not found", invalid params, internal error.
const jsonRpcCodeOf = (code: string) =>
  code === "NOT_FOUND"
    ? -32002
    : code === "INVALID_ARGUMENT"
      ? -32602
      : code === "FORBIDDEN"
        ? JsonRpcCode.forbidden
        : -32603;

/** A failed read as a JSON-RPC error with the parts every error of this gateway has: code, next step, request id. */
function readError(info: ErrorInfo, text: string, requestId: string) {
  return Object.assign(new Error(text), {
    code: jsonRpcCodeOf(info.code),
    data: { ...info, requestId },
  });
}

/** Reads one resource by calling its tool over the bus with the HTTP request's scope (deadline, request id). */
async function readResource(
  def: ResourceDef,
  uri: URL,
  vars: Record<string, string | string[]>,
  scope: CallScope | undefined,
  callTool: ToolCaller,
  mode: TradingMode,
  signal: AbortSignal,
): Promise<ReadResourceResult> {
  if (!scope) throw new Error(`${uri.href} was given up before it was read`);
  const refuse = (e: IbMcpError) =>
    readError(e.toInfo(), errorText(e, mode, scope.requestId), scope.requestId);
  let parsed: ReturnType<typeof def.tool.input.safeParse>;
  try {
    parsed = def.tool.input.safeParse(def.args(vars));
  } catch (err) {
    throw refuse(toIbMcpError(err));
  }
  if (!parsed.success)
    throw refuse(new IbMcpError("INVALID_ARGUMENT", describeIssues(uri.href, parsed.error)));
  const result = await callTool(def.tool, parsed.data, scope, signal);
  if (result.isError) {
    const info = (result._meta?.[ERROR_META_KEY] ?? {}) as ErrorInfo;
    const text = result.content.find((c) => c.type === "text")?.text ?? `${def.tool.name} failed`;
    throw readError(info, text, scope.requestId);
  }
  return {
    contents: [
      { uri: uri.href, mimeType: "application/json", text: JSON.stringify(result.structuredContent) },
    ],
  };
}

/**
 * Registers the shared resource and prompt catalogues on one mode's server. Must run before the server connects:
 * it overrides the listChanged the SDK announces, since the lists never change while the process runs and
 * stateless HTTP has no stream to say so on (nor to deliver subscriptions, which are therefore not offered).
 */
export function registerResourcesAndPrompts(
  server: McpServer,
  mux: RequestMuxTransport<CallScope>,
  callTool: ToolCaller,
  mode: TradingMode,
): void {
  for (const def of resourceCatalogue) {
    const meta = { title: def.title, description: def.description, mimeType: "application/json" };
    const read = (
      uri: URL,
      vars: Record<string, string | string[]>,
      requestId: string | number,
      s: AbortSignal,
    ) => readResource(def, uri, vars, mux.contextOf(requestId), callTool, mode, s);
    if (def.template)
      server.registerResource(
        def.name,
        new ResourceTemplate(def.uri, { list: undefined }),
        meta,
        (uri, vars, extra) => read(uri, vars, extra.requestId, extra.signal),
      );
    else
      server.registerResource(def.name, def.uri, meta, (uri, extra) =>
        read(uri, {}, extra.requestId, extra.signal),
      );
  }
  for (const p of promptCatalogue)
    server.registerPrompt(
      p.name,
      { title: p.title, description: p.description, argsSchema: p.args },
      (args) => ({
        messages: [{ role: "user", content: { type: "text", text: p.text(args as never) } }],
      }),
    );
  // An undefined value is dropped when the capabilities are written as JSON: "resources": {} and "prompts": {}.
  server.server.registerCapabilities({
    resources: { listChanged: undefined },
    prompts: { listChanged: undefined },
  });
}
