/**
 * An order placed before a connector restart can be cancelled after it: IB routes order events to the clientId,
 * not to the socket that placed the order, so the new session of the same clientId hears the cancel confirmed.
 * MCP SDK client → gateway process → nats-server → connector process (restarted) → simulator over its socket.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { findInstrument } from "../sim/index.ts";
import { livePriced } from "../sim/testing/live-market.ts";
import { openNow } from "../sim/testing/open-market.ts";
import { textOf } from "./support/stack.ts";
import { startTradingStack, type TradingStack } from "./support/trading-stack.ts";

type ToolResult = { isError?: boolean; structuredContent?: Record<string, unknown> };
// priced on the simulator's pinned clock, where its quotes and price bands are
const aapl = livePriced(findInstrument("AAPL", "STK")!, openNow());

describe("cancel_order after a connector restart", { timeout: 90_000 }, () => {
  let stack: TradingStack;
  let client: Client;
  let auditPath: string;

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;
  const untilServing = async (timeoutMs: number) => {
    const until = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < until) {
      const r = await call("get_open_orders", {});
      if (!r.isError) return r;
      last = textOf(r);
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`the restarted connector did not serve within ${timeoutMs} ms: ${last}`);
  };

  before(async () => {
    stack = await startTradingStack({
      name: "cancel",
      clientId: "41",
      secret: "e2e-cancel-secret-0123456789abcdef0123",
      connectorEnv: { LEASE_TTL_MS: "1500" },
    });
    ({ client, auditPath } = stack);
  });

  after(async () => {
    await stack?.stop();
  });

  it("answers Cancelled promptly and audits a cancel, not a refusal", async () => {
    const quote = await call("get_quote", { symbols: ["AAPL"] });
    const last = ((quote.structuredContent?.quotes ?? []) as Array<{ last?: number }>)[0]?.last ?? aapl.price;
    // a resting limit inside the price band, far enough below the market not to fill by itself
    const preview = await call("preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      order_type: "LMT",
      limit_price: Math.round(last * 0.97 * 100) / 100,
    });
    assert.notEqual(preview.isError, true, textOf(preview));
    const placed = await call("place_order", { token: preview.structuredContent?.token });
    assert.notEqual(placed.isError, true, textOf(placed));
    const orderId = placed.structuredContent?.order_id as number;

    await stack.restartConnector();
    const open = await untilServing(30_000);
    const listed = (open.structuredContent?.orders ?? []) as Array<{ orderId: number }>;
    assert.ok(
      listed.some((o) => o.orderId === orderId),
      `order ${orderId} is still working at IB after the restart`,
    );

    const started = performance.now();
    const cancelled = await call("cancel_order", { order_id: orderId });
    const took = performance.now() - started;
    assert.notEqual(cancelled.isError, true, textOf(cancelled));
    assert.match(String(cancelled.structuredContent?.status), /cancel/i);
    assert.ok(took < 5_000, `cancel_order answered after ${took.toFixed(0)} ms`);

    const after = await call("get_open_orders", {});
    const still = (after.structuredContent?.orders ?? []) as Array<{ orderId: number }>;
    assert.ok(!still.some((o) => o.orderId === orderId), "IB no longer lists the order");

    const lines = (await readFile(auditPath, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { tool: string; event: string; orderId?: number });
    const audit = lines.filter((l) => l.tool === "cancel_order" && l.orderId === orderId);
    assert.deepEqual(
      audit.map((l) => l.event),
      ["intent", "cancel"],
      "its intent before it was sent, then a cancel (no refusal)",
    );
  });
});
