import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode as JsonRpcErrorCode,
  ListToolsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import packageJson from "../../package.json" with { type: "json" };
import { describeIssues } from "../../shared/describe-issues.ts";
import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import type { ToolDef, Toolset } from "../../shared/tool-def.ts";
import { findTool } from "../../shared/tools/index.ts";
import type { CallScope, ToolCaller } from "./call-tool.ts";
import { RequestMuxTransport } from "./request-mux.ts";
import { registerResourcesAndPrompts } from "./resources-and-prompts.ts";
import { listFor, scopeRefusal } from "./scope-filter.ts";
import { createToolSelector, type ToolSelection } from "./tool-list.ts";
import { errorResult, errorText } from "./tool-result.ts";

const readInstructions =
  "Access to an Interactive Brokers account: contracts, quotes, market history, fundamentals, news, positions, P&L and account values. Resolve symbols with lookup_contract first when they are ambiguous. Errors start with a code (e.g. RATE_LIMITED) and say what to do next.";
const tradeInstructions =
  " Orders take two steps: preview_order returns a confirmation token for exactly those parameters; place_order(token) sends it. Show the preview to the user before placing.";

/**
 * The JSON-RPC error for a tool this gateway does not serve (the spec's -32602), with the same parts as every tool
 * error: code, what happened, the next step and the request id. A plain Error carrying `code` and `data`, because
 * the SDK's McpError would put "MCP error -32602:" in front of the message.
 */
function unknownToolError(name: string, scope: CallScope, mode: TradingMode) {
  const why = findTool(name)
    ? `${name} changes orders, and trading is off on this gateway (the operator enables it with MCP_ENABLE_TRADING=true)`
    : `unknown tool "${name.slice(0, 64)}"; this URL lists: ${[...scope.selection.byName.keys()].join(", ")}`;
  const err = new IbMcpError("INVALID_ARGUMENT", why, { requestId: scope.requestId });
  return Object.assign(new Error(errorText(err, mode, scope.requestId)), {
    code: JsonRpcErrorCode.InvalidParams,
    data: { ...err.toInfo(), requestId: scope.requestId },
  });
}

/**
 * One McpServer for one mode with every given catalogue tool, connected once to a RequestMuxTransport that carries
 * all of this mode's HTTP requests. Each request's scope (request id, deadline, traceparent, the toolsets its URL
 * chose) travels with it through the transport, so the server itself holds no per-request state. tools/list and
 * tools/call are answered here, not by McpServer.registerTool: the list depends on the URL's toolsets (a call does
 * not: every tool the gateway serves can be called from any URL), and every refusal, invalid arguments included,
 * must carry the code, the next step and the request id.
 */
export function createMcpServer(opts: {
  tools: readonly ToolDef[];
  defaultToolsets: readonly Toolset[];
  mode: TradingMode;
  callTool: ToolCaller;
}) {
  const { tools, mode } = opts;
  const select = createToolSelector(tools);
  const defaultSelection = select(opts.defaultToolsets);
  const served = new Map(tools.map((t) => [t.name, t]));
  const canTrade = tools.some((t) => t.access === "trade");
  const instructions = canTrade
    ? `${readInstructions}${tradeInstructions}`
    : `Read-only. ${readInstructions}`;
  const server = new McpServer({ name: "ib-mcp", version: packageJson.version }, { instructions });
  // No listChanged: the list never changes while the process runs, and stateless HTTP has no stream to say so on.
  server.server.registerCapabilities({ tools: {} });
  const mux = new RequestMuxTransport<CallScope>();
  registerResourcesAndPrompts(server, mux, opts.callTool, mode);

  server.server.setRequestHandler(ListToolsRequestSchema, (_req, extra) => {
    const scope = mux.contextOf(extra.requestId);
    // no scope: not an HTTP request through the mux (one the mux gave up on before it ran has no reader)
    return scope ? listFor(scope.selection, scope.principal, mode) : defaultSelection.list;
  });
  server.server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult> => {
    const scope = mux.contextOf(extra.requestId);
    const name = req.params.name;
    // the mux gave up on the request before it ran; nobody reads this answer
    if (!scope) return errorResult(new IbMcpError("TIMEOUT", `${name} was given up before it ran`), mode, "");
    // A URL's toolsets shape what it lists, not what it may call: a prompt that names a tool keeps working.
    const tool = served.get(name);
    if (!tool) throw unknownToolError(name, scope, mode);
    const refusal = scopeRefusal(scope.principal, tool, mode);
    if (refusal) return errorResult(refusal, mode, scope.requestId);
    const parsed = tool.input.safeParse(req.params.arguments ?? {});
    if (!parsed.success) {
      const err = new IbMcpError("INVALID_ARGUMENT", describeIssues(name, parsed.error));
      return errorResult(err, mode, scope.requestId);
    }
    return opts.callTool(tool, parsed.data, scope, extra.signal);
  });
  // The SDK wires the transport's callbacks synchronously inside connect(); only start() is awaited, and the
  // mux's start does nothing, so requests can flow as soon as this returns.
  void server.connect(mux);
  return {
    server,
    mux,
    /** The tools of these toolsets (cached per combination). */
    select,
    defaultSelection,
    close: () => server.close(),
  };
}
export type ModeServer = ReturnType<typeof createMcpServer>;
export type { ToolSelection };
