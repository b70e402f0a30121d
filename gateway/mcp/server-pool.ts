import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import packageJson from "../../package.json" with { type: "json" };
import type { ToolDef } from "../../shared/tool-def.ts";
import type { CallScope, ToolCaller } from "./call-tool.ts";
import { buildToolList } from "./tool-list.ts";

/** One prebuilt McpServer and the scope of the request it serves right now (one request at a time). */
export interface PooledServer {
  server: McpServer;
  scope: CallScope;
}

const readInstructions =
  "Access to an Interactive Brokers account: contracts, quotes, market history, fundamentals, news, positions, P&L and account values. Resolve symbols with lookup_contract first when they are ambiguous. Errors start with a code (e.g. RATE_LIMITED) and say what to do next.";
const tradeInstructions =
  " Orders take two steps: preview_order returns a confirmation token for exactly those parameters; place_order(token) sends it. Show the preview to the user before placing.";

/**
 * A pool of McpServers with every catalogue tool registered. Building a server (registering tools, compiling
 * schemas) is most of the MCP layer's cost, so a server is connected to one request's transport, closed,
 * and reused. `release` keeps at most `maxIdle` servers; more are built under bursts and dropped afterwards.
 */
export function createServerPool(opts: {
  tools: readonly ToolDef[];
  callTool: ToolCaller;
  maxIdle?: number;
}) {
  const maxIdle = opts.maxIdle ?? 64;
  const toolList = buildToolList(opts.tools);
  const canTrade = opts.tools.some((t) => t.access === "trade");
  const instructions = canTrade
    ? `${readInstructions}${tradeInstructions}`
    : `Read-only. ${readInstructions}`;
  const idle: PooledServer[] = [];

  const build = (): PooledServer => {
    const server = new McpServer({ name: "ib-mcp", version: packageJson.version }, { instructions });
    const slot: PooledServer = { server, scope: { requestId: "", traceparent: undefined, deadlineAt: 0 } };
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
        (args: unknown) => opts.callTool(tool, args, slot.scope),
      );
    }
    server.server.setRequestHandler(ListToolsRequestSchema, () => toolList);
    return slot;
  };

  return {
    toolList,
    acquire(scope: CallScope): PooledServer {
      const slot = idle.pop() ?? build();
      slot.scope = scope;
      return slot;
    },
    release(slot: PooledServer): void {
      if (idle.length < maxIdle) idle.push(slot);
    },
    /** Builds servers ahead of the first requests. */
    prewarm(n: number): void {
      while (idle.length < Math.min(n, maxIdle)) idle.push(build());
    },
    get idleCount(): number {
      return idle.length;
    },
  };
}
export type ServerPool = ReturnType<typeof createServerPool>;
