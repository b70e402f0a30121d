/**
 * An order placed while the market is closed (Thanksgiving 2026, noon in New York), end to end: the MCP SDK
 * client → a gateway process → nats-server → a connector process → the simulator process. As at IB, the
 * preview still answers and the order is accepted and stays working instead of filling.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { mcpClient, type NatsStack, startNatsStack, textOf } from "./support/stack.ts";

type Row = Record<string, unknown>;
type ToolResult = { isError?: boolean; structuredContent?: Row };

describe("orders on a closed day (MCP client → gateway → NATS → connector → simulator)", {
  timeout: 90_000,
}, () => {
  let stack: NatsStack;
  let client: Client;
  let dir: string;

  const ok = async <T = Row>(name: string, args: Row): Promise<T> => {
    const r = (await client.callTool({ name, arguments: args })) as ToolResult;
    assert.notEqual(r.isError, true, `${name} ${JSON.stringify(args)}: ${textOf(r)}`);
    return r.structuredContent as T;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ibmcp-e2e-closed-"));
    stack = await startNatsStack({
      clientId: "43",
      // a 0.01 time scale: an open market would fill a market order within milliseconds
      simArgs: ["--replay-start", "2026-11-26 12:00:00", "--time-scale", "0.01"],
      connectorEnv: {
        IB_READONLY: "false",
        ORDER_TOKEN_SECRET: "e2e-closed-market-orders-secret-0123456789",
        AUDIT_LOG_PATH: join(dir, "audit.jsonl"),
      },
      gatewayEnv: { MCP_ENABLE_TRADING: "true" },
    });
    client = await mcpClient(`${stack.gateways[0]!.base}/mcp?toolsets=all`);
  });

  after(async () => {
    await client?.close();
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("a market order on Thanksgiving is previewed, accepted and stays working, unfilled", async () => {
    const preview = await ok<{ token: string; what_if: { status: string; commission?: number } }>(
      "preview_order",
      { symbol: "AAPL", side: "BUY", quantity: 3, order_type: "MKT" },
    );
    assert.ok(
      (preview.what_if.commission ?? 0) > 0,
      `IB's what-if answered: ${JSON.stringify(preview.what_if)}`,
    );
    const placed = await ok<{ order_id: number; order_ref: string }>("place_order", { token: preview.token });
    await new Promise((r) => setTimeout(r, 1_500));

    type Status = {
      orderId?: number;
      status: string;
      working: boolean;
      filled: number;
      executions: unknown[];
    };
    const status = await ok<{ orders: Status[] }>("get_order_status", { order_id: placed.order_id });
    assert.equal(status.orders.length, 1);
    assert.match(status.orders[0]!.status, /^(Pre)?Submitted$/);
    assert.equal(status.orders[0]!.working, true);
    assert.equal(status.orders[0]!.filled, 0);
    assert.deepEqual(status.orders[0]!.executions, []);

    const open = await ok<{ orders: Array<{ orderId: number }> }>("get_open_orders", {});
    assert.ok(
      open.orders.some((o) => o.orderId === placed.order_id),
      `order ${placed.order_id} is listed as open: ${JSON.stringify(open.orders)}`,
    );
    await ok("cancel_order", { order_id: placed.order_id });
  });
});
