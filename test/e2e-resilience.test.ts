/**
 * Issue 5's "never hangs" promises across real processes: gateway → nats-server → two connectors (active and
 * standby) → simulator with its control API. Faults are injected the way they happen in production.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { Kvm } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { findInstrument } from "../sim/universe/index.ts";
import { freePort } from "./support/free-port.ts";
import { type NatsServerHandle, startNatsServer } from "./support/nats-server.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { mcpClient, textOf, waitForOk } from "./support/stack.ts";

type ToolResult = { isError?: boolean; structuredContent?: Record<string, unknown> };
type SimStats = {
  requests: Record<string, number>;
  errorsSent: Record<string, number>;
  connections: { peakByClientId: Record<string, number> };
};

const CLIENT_ID = "21";
const LEASE_TTL_MS = 3_000;
const REQUEST_TIMEOUT_MS = 4_000;
const AAPL = findInstrument("AAPL", "STK")!.conId;

describe("resilience across processes (drop, outage, NATS restart, failover)", () => {
  let nats: NatsServerHandle;
  let sim: CliProcess;
  let control: string;
  const connectors = new Map<string, CliProcess>();
  let gateway: CliProcess;
  let client: Client;
  let nc: NatsConnection;

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;
  const simStats = async () => (await (await fetch(`${control}/stats`)).json()) as SimStats;
  const post = async (path: string, body: unknown = {}) => {
    const res = await fetch(`${control}${path}`, { method: "POST", body: JSON.stringify(body) });
    assert.equal(res.status, 200, await res.text());
  };
  /** Polls lookup_contract until it succeeds; returns how long that took. */
  const untilServing = async (timeoutMs: number): Promise<number> => {
    const started = Date.now();
    let last = "";
    while (Date.now() - started < timeoutMs) {
      const r = await call("lookup_contract", { symbol: "AAPL" });
      if (!r.isError) return Date.now() - started;
      last = textOf(r);
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`not serving again within ${timeoutMs} ms; last answer: ${last}`);
  };
  const startConnector = (id: string, ibPort: number) => {
    connectors.set(
      id,
      spawnCli("connector", [], {
        NATS_URL: nats.url,
        IB_HOST: "127.0.0.1",
        IB_PORT: String(ibPort),
        IB_CLIENT_ID: CLIENT_ID,
        TRADING_MODE: "paper",
        CONNECTOR_ID: id,
        LEASE_TTL_MS: String(LEASE_TTL_MS),
        IB_RECONNECT_MAX_MS: "1000",
      }),
    );
  };

  before(async () => {
    nats = await startNatsServer();
    const controlPort = await freePort();
    sim = spawnCli("sim", ["--port", "0", "--control-port", String(controlPort)], {});
    const m = await sim.waitFor(/listening on 127\.0\.0\.1:(\d+)/, 20_000);
    control = `http://127.0.0.1:${controlPort}`;
    startConnector("connector-a", Number(m[1]));
    startConnector("connector-b", Number(m[1]));
    const port = await freePort();
    gateway = spawnCli("gateway", [], {
      NATS_URL: nats.url,
      PORT: String(port),
      MCP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    await waitForOk(`http://127.0.0.1:${port}/ready`, 30_000);
    client = await mcpClient(`http://127.0.0.1:${port}/mcp`);
    nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  });

  after(async () => {
    await client?.close();
    await nc?.close();
    await gateway?.stop();
    for (const c of connectors.values()) await c.stop();
    await sim?.stop();
    await nats?.stop();
  });

  it("sends 64 concurrent identical calls to IB as one request", async () => {
    const before = (await simStats()).requests.reqHistoricalData ?? 0;
    const args = { symbol: "NVDA", duration: "2 D", bar_size: "1 hour", max_bars: 3 };
    const results = await Promise.all(Array.from({ length: 64 }, () => call("get_historical_data", args)));
    for (const r of results) assert.notEqual(r.isError, true, textOf(r));
    const first = JSON.stringify(results[0]?.structuredContent);
    for (const r of results) assert.equal(JSON.stringify(r.structuredContent), first);
    assert.equal((await simStats()).requests.reqHistoricalData, before + 1);
  });

  it("dropping IB's sockets mid-load: every call ends by its deadline with a result or IB_UNAVAILABLE, then serves again", async () => {
    const symbols = ["AAPL", "MSFT", "IBM", "GOOGL", "META", "NVDA", "TSLA", "AMZN"];
    const started = Date.now();
    const calls = Array.from({ length: 48 }, (_, i) =>
      call(i % 2 ? "get_contract_details" : "get_fundamental_data", {
        symbol: symbols[i % symbols.length],
        report_type: "ReportsOwnership",
      }).then((r) => ({ r, ms: Date.now() - started })),
    );
    await new Promise((res) => setTimeout(res, 30));
    await post("/drop");
    const outcomes = await Promise.all(calls);
    for (const { r, ms } of outcomes) {
      assert.ok(ms <= REQUEST_TIMEOUT_MS + 1_000, `a call took ${ms} ms`);
      if (r.isError) assert.match(textOf(r), /IB_UNAVAILABLE/);
    }
    const took = await untilServing(15_000);
    assert.ok(took < 15_000);
  });

  it("a 10-second IB outage: calls fail fast with IB_UNAVAILABLE and a retry hint, then recover by themselves", async () => {
    await post("/outage", { ms: 10_000, recovery: "1101" });
    await new Promise((res) => setTimeout(res, 300));
    const t0 = performance.now();
    const r = await call("ticker_to_conid", { symbol: "IBM" });
    const elapsed = performance.now() - t0;
    assert.equal(r.isError, true);
    assert.match(textOf(r), /IB_UNAVAILABLE/);
    assert.match(textOf(r), /retry in \d+ s/);
    assert.ok(elapsed < 2_000, `answered in ${elapsed.toFixed(0)} ms while IB was away`);
    const took = await untilServing(25_000);
    assert.ok(took > 5_000, "it did not pretend to serve during the outage");
  });

  it("a nats-server restart: the service comes back without restarting anything", async () => {
    await nats.restart();
    const took = await untilServing(20_000);
    assert.ok(took < 20_000);
  });

  it("SIGKILL of the active connector: the standby serves within lease TTL + 2 s, one IB session per clientId", async () => {
    const kv = await new Kvm(nc).open("ib_mcp_leases");
    const entry = await kv.get("paper");
    const holder = (entry?.json<{ holderId: string }>() ?? { holderId: "" }).holderId;
    assert.ok(connectors.has(holder), `the lease names a running connector (${holder})`);
    await connectors.get(holder)!.stop("SIGKILL");
    const killedAt = Date.now();
    await untilServing(LEASE_TTL_MS + 10_000);
    const took = Date.now() - killedAt;
    assert.ok(took <= LEASE_TTL_MS + 2_000, `standby served ${took} ms after the kill`);
    const after = await kv.get("paper");
    assert.notEqual(after?.json<{ holderId: string }>().holderId, holder);
    const r = await call("lookup_contract", { symbol: "AAPL" });
    const contracts = (r.structuredContent?.contracts ?? []) as Array<{ conId: number }>;
    assert.equal(contracts[0]?.conId, AAPL);
    const stats = await simStats();
    assert.equal(stats.connections.peakByClientId[CLIENT_ID], 1, "never two IB sessions on one clientId");
    assert.equal(stats.errorsSent["326"] ?? 0, 0);
    assert.equal(stats.errorsSent["162"] ?? 0, 0, "no pacing violation in the whole run");
  });
});
