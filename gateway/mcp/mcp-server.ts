import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import packageJson from "../../package.json" with { type: "json" };
import { IbMcpError } from "../../shared/errors.ts";
import type { ToolDef } from "../../shared/tool-def.ts";
import type { CallScope, ToolCaller } from "./call-tool.ts";
import { RequestMuxTransport } from "./request-mux.ts";
import { buildToolList } from "./tool-list.ts";

const readInstructions =
  "Access to an Interactive Brokers account: contracts, quotes, market history, fundamentals, news, positions, P&L and account values. Resolve symbols with lookup_contract first when they are ambiguous. Errors start with a code (e.g. RATE_LIMITED) and say what to do next.";
const tradeInstructions =
  " Orders take two steps: preview_order returns a confirmation token for exactly those parameters; place_order(token) sends it. Show the preview to the user before placing.";

/**
 * One McpServer with every given catalogue tool, connected once to a RequestMuxTransport that carries all of
 * this mode's HTTP requests. Each request's scope (request id, deadline, traceparent) travels with it through
 * the transport, so the server itself holds no per-request state.
 */
export function createMcpServer(opts: { tools: readonly ToolDef[]; callTool: ToolCaller }) {
  const toolList = buildToolList(opts.tools);
  const canTrade = opts.tools.some((t) => t.access === "trade");
  const instructions = canTrade
    ? `${readInstructions}${tradeInstructions}`
    : `Read-only. ${readInstructions}`;
  const server = new McpServer({ name: "ib-mcp", version: packageJson.version }, { instructions });
  const mux = new RequestMuxTransport<CallScope>();
  for (const tool of opts.tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: tool.annotations,
      },
      (args: unknown, extra) => {
        const scope = mux.contextOf(extra.requestId);
        if (!scope)
          throw new IbMcpError("TIMEOUT", `the request for ${tool.name} was given up before it ran`);
        return opts.callTool(tool, args, scope);
      },
    );
  }
  // The list never changes while the process runs: convert the schemas once, not on every tools/list.
  server.server.setRequestHandler(ListToolsRequestSchema, () => toolList);
  // The SDK wires the transport's callbacks synchronously inside connect(); only start() is awaited, and the
  // mux's start does nothing, so requests can flow as soon as this returns.
  void server.connect(mux);
  return { server, mux, close: () => server.close() };
}
export type ModeServer = ReturnType<typeof createMcpServer>;
