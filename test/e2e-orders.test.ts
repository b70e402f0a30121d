/**
 * Issue 9 end to end: the MCP SDK client → gateway process → real nats-server → connector process → simulator,
 * plus the live switches through the all-in-one process. The whole preview (IB what-if) → token → place flow runs
 * for every order type; some refusal cases sign tokens with the connector's ORDER_TOKEN_SECRET to alter them.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { type AllInOne, startAllInOne } from "../cli/all-in-one.ts";
import { signToken } from "../connector/orders/token.ts";
import type { BoundOrder } from "../shared/schemas/order.ts";
import { orderTools } from "../shared/tools/order-tools.ts";
import { findInstrument, type Simulator } from "../sim/index.ts";
import { livePriced } from "../sim/testing/live-market.ts";
import { openNow } from "../sim/testing/open-market.ts";
import { mcpClient, textOf } from "./support/stack.ts";
import { startTradingStack, type TradingStack } from "./support/trading-stack.ts";

const SECRET = "e2e-orders-secret-0123456789abcdef0123";
// priced on the simulator's pinned clock, where its quotes and price bands are
const aapl = livePriced(findInstrument("AAPL", "STK")!, openNow());
type ToolResult = { isError?: boolean; structuredContent?: Record<string, unknown>; content?: unknown };

function marketOrder(account: string, quantity = 1): BoundOrder {
  return {
    conId: aapl.conId,
    symbol: "AAPL",
    sec_type: "STK",
    exchange: "SMART",
    currency: "USD",
    multiplier: 1,
    side: "BUY",
    quantity,
    order_type: "MKT",
    tif: "DAY",
    outside_rth: false,
    account,
    reference_price: aapl.price,
    notional: aapl.price * quantity,
  };
}

describe("order tools end to end", { timeout: 60_000 }, () => {
  let stack: TradingStack;
  let sim: Simulator;
  let client: Client;
  let nc: NatsConnection;
  let auditPath: string;
  const extra: Array<{ close(): Promise<void> }> = [];

  const call = async (c: Client, name: string, args: Record<string, unknown>) =>
    (await c.callTool({ name, arguments: args })) as ToolResult;

  before(async () => {
    stack = await startTradingStack({
      name: "orders",
      clientId: "21",
      secret: SECRET,
      simTimeScale: 0.01,
      connectorEnv: { ORDER_MAX_QUANTITY: "10", LEASE_TTL_MS: "1500" },
    });
    ({ sim, client, auditPath } = stack);
    nc = await connect({ servers: stack.nats.url });
  });

  after(async () => {
    await nc?.close();
    for (const e of extra) await e.close();
    await stack?.stop();
  });

  it("lists the order tools (MCP_ENABLE_TRADING=true), destructive ones marked", async () => {
    const { tools } = await client.listTools();
    for (const t of orderTools) {
      const listed = tools.find((x) => x.name === t.name);
      assert.ok(listed, `${t.name} is listed`);
      assert.equal(listed.annotations?.readOnlyHint, false);
      assert.equal(listed.inputSchema.type, "object");
    }
    assert.equal(tools.find((x) => x.name === "place_order")?.annotations?.destructiveHint, true);
  });

  it("the whole flow for each order type: preview (IB what-if) → token → place → working at IB → cancel", async () => {
    // prices around the simulator's moving last price, inside the 5 % band, far enough not to fill by themselves
    const quote = await call(client, "get_quote", { symbols: ["AAPL"] });
    const last = ((quote.structuredContent?.quotes ?? []) as Array<{ last?: number }>)[0]?.last ?? aapl.price;
    const p = (f: number) => Math.round(last * f * 100) / 100;
    const cases: Array<[string, Record<string, unknown>, number]> = [
      ["MKT", { order_type: "MKT" }, 1],
      ["LMT", { order_type: "LMT", limit_price: p(0.985) }, 1],
      ["STP", { order_type: "STP", stop_price: p(1.02) }, 1],
      ["STP LMT", { order_type: "STP LMT", stop_price: p(1.02), limit_price: p(1.025) }, 1],
      [
        "bracket",
        { order_type: "LMT", limit_price: p(0.985), take_profit_price: p(1.025), stop_loss_price: p(0.975) },
        3,
      ],
    ];
    for (const [name, args, orders] of cases) {
      sim.resetStats();
      const preview = await call(client, "preview_order", {
        symbol: "AAPL",
        side: "BUY",
        quantity: 1,
        ...args,
      });
      assert.notEqual(preview.isError, true, `${name}: ${textOf(preview)}`);
      const whatIf = preview.structuredContent?.what_if as { commission?: number };
      assert.ok((whatIf.commission ?? 0) > 0, `${name}: IB's what-if commission is in the preview`);
      assert.equal(sim.stats().requests.placeOrder, 1, `${name}: the preview sent only IB's what-if`);
      const placed = await call(client, "place_order", { token: preview.structuredContent?.token });
      assert.notEqual(placed.isError, true, `${name}: ${textOf(placed)}`);
      assert.equal(sim.stats().requests.placeOrder, 1 + orders, `${name}: ${orders} order(s) sent`);
      const orderId = placed.structuredContent?.order_id;
      if (name !== "MKT") {
        const open = await call(client, "get_open_orders", {});
        const listed = ((open.structuredContent?.orders ?? []) as Array<{ orderId: number }>).some(
          (o) => o.orderId === orderId,
        );
        assert.ok(listed, `${name}: order ${orderId} is working at IB`);
        const cancelled = await call(client, "cancel_order", { order_id: orderId });
        assert.notEqual(cancelled.isError, true, `${name}: ${textOf(cancelled)}`);
      }
    }
    const lines = (await readFile(auditPath, "utf8")).split("\n").filter(Boolean);
    assert.ok(
      lines.filter((l) => l.includes('"event":"preview"')).length >= cases.length,
      "every preview audited",
    );
  });

  it("place_order with one token twice: one order at IB, the same order id", async () => {
    sim.resetStats();
    const { token } = signToken(SECRET, "paper", marketOrder(sim.accounts[0]!), 60_000);
    const first = await call(client, "place_order", { token, client_info: "e2e" });
    assert.notEqual(first.isError, true, textOf(first));
    const again = await call(client, "place_order", { token });
    assert.notEqual(again.isError, true, textOf(again));
    assert.equal(again.structuredContent?.order_id, first.structuredContent?.order_id);
    assert.equal(again.structuredContent?.replayed, true);
    assert.equal(sim.stats().requests.placeOrder, 1);
    const lines = (await readFile(auditPath, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const placed = lines.filter(
      (l) => l.event === "place" && l.orderId === first.structuredContent?.order_id,
    );
    assert.equal(placed.length, 2, "each reply was preceded by its audit line");
    assert.ok(!(await readFile(auditPath, "utf8")).includes(SECRET));
  });

  it("a cap refuses a preview with a coded message naming the limit, and nothing reaches IB", async () => {
    sim.resetStats();
    const r = await call(client, "preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 11,
      order_type: "MKT",
    });
    assert.equal(r.isError, true);
    assert.match(textOf(r), /^INVALID_ARGUMENT: .*max_quantity: 11 exceeds the limit 10/);
    assert.equal(sim.stats().requests.placeOrder ?? 0, 0);
  });

  it("an altered token and a token of the other mode are refused", async () => {
    const { token } = signToken(SECRET, "paper", marketOrder(sim.accounts[0]!), 60_000);
    const altered = `${token.slice(0, 10)}${token[10] === "A" ? "B" : "A"}${token.slice(11)}`;
    const a = await call(client, "place_order", { token: altered });
    assert.equal(a.isError, true);
    assert.match(textOf(a), /^INVALID_ARGUMENT: .*not valid/);
    const live = signToken(SECRET, "live", marketOrder(sim.accounts[0]!), 60_000).token;
    const l = await call(client, "place_order", { token: live });
    assert.match(textOf(l), /^INVALID_ARGUMENT: .*issued for live/);
  });

  it("the NATS kill switch stops new orders at once and is reported; turning it off resumes", async () => {
    sim.resetStats();
    const on = await nc.request("ib.paper.admin.kill_switch", JSON.stringify({ on: true }), {
      timeout: 5_000,
    });
    assert.deepEqual(on.json(), { on: true });
    const { token } = signToken(SECRET, "paper", marketOrder(sim.accounts[0]!), 60_000);
    const r = await call(client, "place_order", { token });
    assert.equal(r.isError, true);
    assert.match(textOf(r), /^READ_ONLY: .*kill switch is on/);
    const status = await call(client, "get_connection_status", {});
    const trading = status.structuredContent?.trading as { killSwitch: boolean } | undefined;
    assert.equal(trading?.killSwitch, true);
    assert.equal(sim.stats().requests.placeOrder ?? 0, 0);
    const bad = await nc.request("ib.paper.admin.kill_switch", JSON.stringify({ on: "yes" }), {
      timeout: 5_000,
    });
    assert.match(String((bad.json() as { error: string }).error), /\{"on":true\}/);
    const off = await nc.request("ib.paper.admin.kill_switch", JSON.stringify({ on: false }), {
      timeout: 5_000,
    });
    assert.deepEqual(off.json(), { on: false });
    const placed = await call(client, "place_order", { token });
    assert.notEqual(placed.isError, true, textOf(placed));
  });

  it("live: the gateway without GATEWAY_ALLOW_LIVE_TRADING refuses, naming it", async () => {
    const aio = await liveAllInOne({
      GATEWAY_ALLOW_LIVE_TRADING: "false",
      CONNECTOR_ALLOW_LIVE_TRADING: "true",
    });
    const c = await mcpClient(aio.url);
    extra.push({ close: () => c.close() });
    const r = await call(c, "cancel_all_orders", {});
    assert.equal(r.isError, true);
    assert.match(textOf(r), /^READ_ONLY: .*GATEWAY_ALLOW_LIVE_TRADING=true is missing/);
    assert.doesNotMatch(textOf(r), /CONNECTOR_ALLOW_LIVE_TRADING/);
  });

  it("live: the connector without CONNECTOR_ALLOW_LIVE_TRADING refuses, naming it", async () => {
    const aio = await liveAllInOne({
      GATEWAY_ALLOW_LIVE_TRADING: "true",
      CONNECTOR_ALLOW_LIVE_TRADING: "false",
    });
    const c = await mcpClient(aio.url);
    extra.push({ close: () => c.close() });
    const r = await call(c, "cancel_all_orders", {});
    assert.equal(r.isError, true);
    assert.match(textOf(r), /^READ_ONLY: .*CONNECTOR_ALLOW_LIVE_TRADING=true is missing/);
    assert.doesNotMatch(textOf(r), /GATEWAY_ALLOW_LIVE_TRADING/);
  });

  it("a submit retried after the connector was killed mid-submit and restarted places exactly one order", async () => {
    sim.resetStats();
    const { token } = signToken(SECRET, "paper", marketOrder(sim.accounts[0]!), 60_000);
    // replies are late, so the connector is killed after IB got placeOrder and before it answered
    sim.setLatency(3_000);
    const first = nc
      .request("ib.paper.place_order", JSON.stringify({ token }), { timeout: 8_000 })
      .catch(() => "no answer");
    const until = Date.now() + 15_000;
    while ((sim.stats().requests.placeOrder ?? 0) === 0) {
      assert.ok(Date.now() < until, "placeOrder never reached the simulator");
      await new Promise((r) => setTimeout(r, 10));
    }
    await stack.restartConnector("SIGKILL", () => sim.setLatency(0));
    let retried: ToolResult | undefined;
    const retryUntil = Date.now() + 20_000;
    for (;;) {
      retried = await call(client, "place_order", { token });
      if (!retried.isError || !/^(CONNECTOR_UNAVAILABLE|IB_UNAVAILABLE|TIMEOUT)/.test(textOf(retried))) break;
      assert.ok(Date.now() < retryUntil, `the restarted connector never answered: ${textOf(retried)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.notEqual(retried.isError, true, textOf(retried));
    assert.equal(
      retried.structuredContent?.replayed,
      true,
      `${JSON.stringify(retried.structuredContent)} ${JSON.stringify(sim.stats().requests)}`,
    );
    assert.equal(sim.stats().requests.placeOrder, 1, "the order was sent again after the restart");
    await first;
  });

  let liveClientId = 40;
  async function liveAllInOne(switches: Record<string, string>): Promise<AllInOne> {
    const aio = await startAllInOne({
      TRADING_MODE: "live",
      GATEWAY_ALLOW_LIVE: "true",
      MCP_ENABLE_TRADING: "true",
      IB_READONLY: "false",
      ORDER_TOKEN_SECRET: SECRET,
      IB_HOST: "127.0.0.1",
      IB_PORT: String(sim.port),
      IB_CLIENT_ID: String(liveClientId++),
      PORT: "0",
      AUDIT_LOG_PATH: auditPath,
      LOG_LEVEL: "silent",
      ...switches,
    });
    extra.unshift(aio);
    return aio;
  }
});
