/**
 * Risk state that outlives a connector: the MCP SDK client → gateway process → real nats-server (JetStream) →
 * connector processes of one mode, handed over from one to the next (a new process takes over from a stopped one)
 * → simulator process. Tokens are signed with the connectors' ORDER_TOKEN_SECRET, as preview_order would.
 */
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { Kvm } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { signToken } from "../connector/orders/token.ts";
import type { BoundOrder } from "../shared/schemas/order.ts";
import { SERVICE_NAME } from "../shared/subjects.ts";
import { orderTools } from "../shared/tools/order-tools.ts";
import { livePriced } from "../sim/testing/live-market.ts";
import { OPEN_CLOCK_ARGS, openNow } from "../sim/testing/open-market.ts";
import { findInstrument } from "../sim/universe/index.ts";
import { freePort } from "./support/free-port.ts";
import { type NatsServerHandle, startNatsServer } from "./support/nats-server.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { mcpClient, textOf, waitForOk } from "./support/stack.ts";

const SECRET = "e2e-risk-state-secret-0123456789abcdef";
// priced on the simulator's pinned clock, where its quotes and price bands are
const aapl = livePriced(findInstrument("AAPL", "STK")!, openNow());
const DAILY_CAP = 2_000;
type ToolResult = { isError?: boolean; structuredContent?: Record<string, unknown> };
type Status = {
  state: string;
  lastError?: string;
  accounts: string[];
  trading?: {
    killSwitch: boolean;
    limits: { dailyNotionalUsed: number };
    risk?: { store: string; killSwitch: { on: boolean; source: string }; dailyNotionalUsed?: number };
  };
};

function order(account: string, o: Partial<BoundOrder>): BoundOrder {
  const quantity = o.quantity ?? 1;
  const price = o.limit_price ?? aapl.price;
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
    notional: price * quantity,
    ...o,
  };
}

/** Starts the simulator as a process with its control API; returns its TWS port and a stats reader. */
async function simProcess() {
  const controlPort = await freePort();
  const cli = spawnCli(
    "sim",
    ["--port", "0", "--control-port", String(controlPort), "--time-scale", "0.01", ...OPEN_CLOCK_ARGS],
    {},
  );
  const m = await cli.waitFor(/listening on 127\.0\.0\.1:(\d+)/, 20_000);
  const placeOrders = async () => {
    const res = await fetch(`http://127.0.0.1:${controlPort}/stats`);
    return ((await res.json()) as { requests: Record<string, number> }).requests.placeOrder ?? 0;
  };
  return { cli, port: Number(m[1]), placeOrders };
}

async function gatewayProcess(natsUrl: string) {
  const port = await freePort();
  const cli = spawnCli("gateway", [], {
    NATS_URL: natsUrl,
    PORT: String(port),
    TRADING_MODE: "paper",
    MCP_ENABLE_TRADING: "true",
  });
  await waitForOk(`http://127.0.0.1:${port}/ready`, 30_000);
  return { cli, client: await mcpClient(`http://127.0.0.1:${port}/mcp`) };
}

describe("risk state across connector restarts and takeovers", { timeout: 180_000 }, () => {
  let nats: NatsServerHandle;
  let sim: Awaited<ReturnType<typeof simProcess>>;
  let gateway: CliProcess;
  let client: Client;
  let nc: NatsConnection;
  let account = "";
  let active: { id: string; cli: CliProcess } | undefined;
  let serial = 0;

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;
  const status = async () => (await call("get_connection_status", {})).structuredContent as Status;

  const startConnector = async () => {
    const id = `risk-${++serial}`;
    const cli = spawnCli("connector", [], {
      NATS_URL: nats.url,
      IB_HOST: "127.0.0.1",
      IB_PORT: String(sim.port),
      IB_CLIENT_ID: "23",
      TRADING_MODE: "paper",
      IB_READONLY: "false",
      ORDER_TOKEN_SECRET: SECRET,
      ORDER_DAILY_MAX_NOTIONAL: String(DAILY_CAP),
      CONNECTOR_ID: id,
      LEASE_TTL_MS: "1500",
      LOG_LEVEL: "info",
      // the audit log goes with the test, never into the work tree
      AUDIT_LOG_PATH: join(tmpdir(), `ib-mcp-risk-audit-${process.pid}.jsonl`),
    });
    await cli.waitFor(/waiting for the lease/, 20_000);
    return { id, cli };
  };
  /** Until the lease names `id` and that connector answers ready through the gateway. */
  const untilActive = async (id: string) => {
    const leases = await new Kvm(nc).open("ib_mcp_leases");
    const until = Date.now() + 30_000;
    let last = "";
    for (;;) {
      const lease = await leases.get("paper");
      const holder = lease?.operation === "PUT" ? lease.json<{ holderId: string }>().holderId : undefined;
      const r = await call("get_connection_status", {});
      const s = r.structuredContent as Status | undefined;
      if (holder === id && !r.isError && s?.state === "ready" && !s.lastError?.includes("standby")) return;
      last = `holder ${holder}, ${textOf(r)}`;
      assert.ok(Date.now() < until, `connector ${id} never took over: ${last}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  /** A new connector process waits as standby, the active one stops, the new one takes over. */
  const handOver = async () => {
    const next = await startConnector();
    await active?.cli.stop();
    active = next;
    await untilActive(next.id);
  };

  before(async () => {
    nats = await startNatsServer();
    sim = await simProcess();
    nc = await connect({ servers: nats.url });
    active = await startConnector();
    ({ cli: gateway, client } = await gatewayProcess(nats.url));
    await untilActive(active.id);
    account = (await status()).accounts[0] ?? "";
    assert.ok(account, "the simulator's account is known");
  });

  after(async () => {
    await client?.close();
    await nc?.close();
    await gateway?.stop();
    await active?.cli.stop();
    await sim?.cli.stop();
    await nats?.stop();
  });

  it("a kill switch thrown over NATS holds after a standby takeover and a restart, and is reported from the bus", async () => {
    const on = await nc.request("ib.paper.admin.kill_switch", JSON.stringify({ on: true }), {
      timeout: 5_000,
    });
    assert.deepEqual(on.json(), { on: true });
    const before = await sim.placeOrders();
    for (const step of ["standby takeover", "restart"]) {
      await handOver();
      const { token } = signToken(SECRET, "paper", order(account, {}), 60_000);
      const r = await call("place_order", { token });
      assert.equal(
        r.isError,
        true,
        `${step}: the order went through: ${JSON.stringify(r.structuredContent)}`,
      );
      assert.match(textOf(r), /^READ_ONLY: .*kill switch is on/, step);
      const s = await status();
      assert.equal(s.trading?.killSwitch, true, step);
      assert.deepEqual(s.trading?.risk?.killSwitch, { on: true, source: "bus" }, step);
      assert.equal(s.trading?.risk?.store, "jetstream-kv:ib-mcp-risk-paper", step);
    }
    assert.equal(await sim.placeOrders(), before, "nothing reached IB while the switch was on");
    const off = await nc.request("ib.paper.admin.kill_switch", JSON.stringify({ on: false }), {
      timeout: 5_000,
    });
    assert.deepEqual(off.json(), { on: false });
    const preview = await call("preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      order_type: "MKT",
    });
    assert.notEqual(preview.isError, true, textOf(preview));
  });

  it("a modify token used before a takeover is not sent again after it", async () => {
    const limit = Math.round(aapl.price * 0.96 * 100) / 100;
    const resting = order(account, { order_type: "LMT", limit_price: limit });
    const placed = await call("place_order", { token: signToken(SECRET, "paper", resting, 60_000).token });
    assert.notEqual(placed.isError, true, textOf(placed));
    const orderId = placed.structuredContent?.order_id as number;
    const change = { ...resting, limit_price: limit - 1, notional: limit - 1, modify_order_id: orderId };
    const { token } = signToken(SECRET, "paper", change, 60_000);
    const modified = await call("modify_order", { token });
    assert.notEqual(modified.isError, true, textOf(modified));
    const sent = await sim.placeOrders();
    await handOver();
    const again = await call("modify_order", { token });
    assert.notEqual(again.isError, true, textOf(again));
    assert.equal(again.structuredContent?.order_id, orderId);
    assert.equal(again.structuredContent?.replayed, true);
    assert.equal(await sim.placeOrders(), sent, "the modification was sent to IB again after the takeover");
  });

  it("a token replayed after its order was cancelled reports that, not the first 'Submitted'", async () => {
    const limit = Math.round(aapl.price * 0.96 * 100) / 100;
    const { token } = signToken(
      SECRET,
      "paper",
      order(account, { order_type: "LMT", limit_price: limit }),
      60_000,
    );
    const placed = await call("place_order", { token });
    assert.notEqual(placed.isError, true, textOf(placed));
    const orderId = placed.structuredContent?.order_id as number;
    const cancelled = await call("cancel_order", { order_id: orderId });
    assert.notEqual(cancelled.isError, true, textOf(cancelled));
    const sent = await sim.placeOrders();
    const replay = await call("place_order", { token });
    assert.equal(replay.isError, true, `a stale outcome: ${JSON.stringify(replay.structuredContent)}`);
    assert.match(textOf(replay), new RegExp(`already sent as order ${orderId}.*no working order or fill`));
    assert.equal(await sim.placeOrders(), sent, "nothing was sent again");
  });

  it("the daily notional used so far holds after a takeover: an order beyond the cap is refused", async () => {
    const first = await call("place_order", {
      token: signToken(SECRET, "paper", order(account, {}), 60_000).token,
    });
    assert.notEqual(first.isError, true, textOf(first));
    const used = (await status()).trading?.limits.dailyNotionalUsed ?? 0;
    assert.ok(used >= aapl.price, `used ${used}`);
    await handOver();
    // fits the cap alone, not on top of what the day used
    const quantity = Math.floor((DAILY_CAP - used) / aapl.price) + 1;
    const sent = await sim.placeOrders();
    const r = await call("place_order", {
      token: signToken(SECRET, "paper", order(account, { quantity }), 60_000).token,
    });
    assert.equal(r.isError, true, `placed beyond the daily cap: ${JSON.stringify(r.structuredContent)}`);
    assert.match(textOf(r), /^INVALID_ARGUMENT: .*daily_max_notional/);
    assert.equal(await sim.placeOrders(), sent);
    const s = await status();
    assert.equal(s.trading?.risk?.dailyNotionalUsed, used, "the new connector reports the day's total");
  });
});

describe("a read-only connector on NATS", { timeout: 120_000 }, () => {
  let nats: NatsServerHandle;
  let sim: Awaited<ReturnType<typeof simProcess>>;
  let connector: CliProcess;
  let gateway: CliProcess;
  let client: Client;
  let nc: NatsConnection;

  before(async () => {
    nats = await startNatsServer();
    sim = await simProcess();
    connector = spawnCli("connector", [], {
      NATS_URL: nats.url,
      IB_HOST: "127.0.0.1",
      IB_PORT: String(sim.port),
      IB_CLIENT_ID: "24",
      TRADING_MODE: "paper",
    });
    ({ cli: gateway, client } = await gatewayProcess(nats.url));
    nc = await connect({ servers: nats.url });
  });
  after(async () => {
    await client?.close();
    await nc?.close();
    await gateway?.stop();
    await connector?.stop();
    await sim?.cli.stop();
    await nats?.stop();
  });

  it("registers no order endpoint ($SRV.INFO), and the gateway answers a trade call READ_ONLY naming the switch", async () => {
    const info = (await nc.request(`$SRV.INFO.${SERVICE_NAME}`, undefined, { timeout: 5_000 })).json<{
      metadata: Record<string, string>;
      endpoints: Array<{ name: string; subject: string }>;
    }>();
    const names = info.endpoints.map((e) => e.name);
    assert.ok(names.includes("get_positions"), names.join(","));
    for (const t of orderTools) assert.ok(!names.includes(t.name), `${t.name} is registered`);
    assert.equal(info.metadata.trading, "off");
    for (const [tool, args] of [
      ["place_order", { token: "x.y" }],
      ["cancel_all_orders", {}],
    ] as const) {
      const r = (await client.callTool({ name: tool, arguments: args })) as ToolResult;
      assert.equal(r.isError, true);
      assert.match(textOf(r), new RegExp(`^READ_ONLY: ${tool} refused: .*IB_READONLY=true`));
      assert.doesNotMatch(textOf(r), /start it/);
    }
  });
});
