import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { IbMcpError } from "../shared/errors.ts";
import type { BoundOrder } from "../shared/schemas/order.ts";
import { findInstrument, type Simulator, startSimulator } from "../sim/index.ts";
import { type NatsServerHandle, startNatsServer } from "../test/support/nats-server.ts";
import type { ConnectorHandle } from "./connector.ts";
import { signToken } from "./orders/token.ts";
import { testConnector } from "./test-support.ts";

const SECRET = "0123456789abcdef0123456789abcdef-down";
const aapl = findInstrument("AAPL", "STK")!;
const ctx = () => ({ requestId: `t-${Math.random().toString(36).slice(2)}`, timeoutMs: 15_000 });

// everything but the risk bucket: the lease and the journal work, the risk store cannot be reached
const config = `
jetstream { max_memory_store: 64MB, max_file_store: 100MB }
authorization { users: [ { user: connector, password: connector, permissions: {
  publish: { deny: ["$KV.ib-mcp-risk-paper.>", "$JS.API.*.*.KV_ib-mcp-risk-paper", "$JS.API.*.*.KV_ib-mcp-risk-paper.>"] }
} } ] }
`;

describe("a connector whose risk store cannot be reached (KV refused)", { timeout: 60_000 }, () => {
  let dir: string;
  let nats: NatsServerHandle;
  let sim: Simulator;
  let nc: NatsConnection;
  let connector: ConnectorHandle;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ibmcp-risk-down-"));
    await writeFile(join(dir, "nats.conf"), config);
    nats = await startNatsServer({ args: ["-c", join(dir, "nats.conf")] });
    sim = await startSimulator({ port: 0 });
    nc = await connect({ servers: nats.url, user: "connector", pass: "connector" });
    connector = await testConnector(
      sim.port,
      {
        IB_READONLY: "false",
        ORDER_TOKEN_SECRET: SECRET,
        AUDIT_LOG_PATH: join(dir, "audit.jsonl"),
        LEASE_TTL_MS: "3000",
      },
      { nc },
    );
    await connector.ready(10_000);
  });
  after(async () => {
    await connector?.close();
    await nc?.close();
    await sim?.close();
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses new orders and previews with a retryable CONNECTOR_UNAVAILABLE naming the store; cancels work", async () => {
    const order: BoundOrder = {
      conId: aapl.conId,
      symbol: "AAPL",
      sec_type: "STK",
      exchange: "SMART",
      currency: "USD",
      multiplier: 1,
      side: "BUY",
      quantity: 1,
      order_type: "MKT",
      tif: "DAY",
      outside_rth: false,
      account: sim.accounts[0]!,
      reference_price: aapl.price,
      notional: aapl.price,
    };
    const unavailable = (err: unknown) => {
      assert.ok(err instanceof IbMcpError, String(err));
      assert.equal(err.code, "CONNECTOR_UNAVAILABLE", err.message);
      assert.equal(err.retryable, true);
      assert.match(err.message, /risk store \(jetstream-kv:ib-mcp-risk-paper/);
      return true;
    };
    const token = signToken(SECRET, "paper", order, 60_000).token;
    await assert.rejects(connector.dispatcher("place_order", { token }, ctx()), unavailable);
    await assert.rejects(
      connector.dispatcher(
        "preview_order",
        { symbol: "AAPL", side: "BUY", quantity: 1, order_type: "MKT" },
        ctx(),
      ),
      unavailable,
    );
    assert.equal(sim.stats().requests.placeOrder ?? 0, 0, "nothing reached IB");
    const all = (await connector.dispatcher("cancel_all_orders", {}, ctx())) as { status: string };
    assert.match(all.status, /global cancel/);
    const s = (await connector.dispatcher("get_connection_status", {}, ctx())) as {
      trading?: {
        killSwitch: boolean;
        risk: { killSwitch: { on: boolean; source: string }; error?: string };
      };
    };
    assert.equal(s.trading?.killSwitch, true, "unknown counts as on");
    assert.deepEqual(s.trading?.risk.killSwitch, { on: true, source: "unknown" });
    assert.match(s.trading?.risk.error ?? "", /risk store/);
  });

  it("a kill switch command that cannot be stored answers an error naming the store, not {on:...}", async () => {
    const reply = await nc.request("ib.paper.admin.kill_switch", JSON.stringify({ on: false }), {
      timeout: 5_000,
    });
    assert.match((reply.json() as { error?: string }).error ?? "", /risk store/);
  });
});
