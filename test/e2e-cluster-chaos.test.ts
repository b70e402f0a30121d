/**
 * ib-mcp on a three-node NATS cluster under load: two gateways, a connector and its standby on different nodes,
 * every KV bucket with three replicas. Nodes are SIGKILLed (a random one, then the lease bucket's stream leader)
 * and restarted, and the serving connector is cut from the cluster (a blackholing TCP proxy) for longer than its
 * lease TTL. Loopback only; bounded well under three minutes.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { signToken } from "../connector/orders/token.ts";
import { findInstrument, type Simulator, startSimulator } from "../sim/index.ts";
import { livePriced } from "../sim/testing/live-market.ts";
import { openMarket, openNow } from "../sim/testing/open-market.ts";
import { endedIn, figures, startedIn, startLoad } from "./support/chaos-load.ts";
import { freePort } from "./support/free-port.ts";
import { type NatsCluster, startNatsCluster } from "./support/nats-cluster.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { mcpClient, textOf, waitForOk } from "./support/stack.ts";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.ts";

const SECRET = "e2e-cluster-chaos-secret-0123456789abcdef";
const CLIENT_ID = "41";
/** JetStream elects a new stream leader 4-9 s after losing one (nats-server 2.9's raft timeouts): a lease must outlive that. */
const LEASE_TTL_MS = 15_000;
const REQUEST_TIMEOUT_MS = 5_000;
/** A call may end this much after its deadline (MCP and HTTP around the bus). */
const SLACK_MS = 1_500;
const NODE_DOWN_MS = 3_000;
const RETRYABLE = new Set(["CONNECTOR_UNAVAILABLE", "TIMEOUT", "IB_UNAVAILABLE", "RATE_LIMITED"]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// priced on the simulator's pinned clock, where its quotes and price bands are
const aapl = livePriced(findInstrument("AAPL", "STK")!, openNow());

type ToolResult = {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  _meta?: Record<string, unknown>;
};

describe("ib-mcp on a three-node NATS cluster under chaos", { timeout: 170_000 }, () => {
  let cluster: NatsCluster;
  let sim: Simulator;
  let dir: string;
  let nc: NatsConnection;
  const connectors = new Map<string, { cli: CliProcess; proxies: TcpProxy[] }>();
  const gateways: CliProcess[] = [];
  const clients: Client[] = [];
  const phases: Array<{ name: string; from: number; to: number }> = [];

  const holder = async (): Promise<string> => {
    const kv = await new Kvm(nc).open("ib_mcp_leases");
    const e = await kv.get("paper");
    return e?.operation === "PUT" ? (e.json<{ holderId: string }>().holderId ?? "") : "";
  };

  const untilHolder = async (id: string, timeoutMs: number) => {
    const until = Date.now() + timeoutMs;
    while ((await holder().catch(() => "")) !== id) {
      if (Date.now() > until) throw new Error(`connector ${id} did not take the lease in ${timeoutMs} ms`);
      await sleep(200);
    }
  };

  const t0 = Date.now();
  /** Progress in the TAP output, so a run that stalls shows where. */
  const step = (what: string) => console.log(`chaos step +${Date.now() - t0} ms: ${what}`);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ibmcp-chaos-"));
    cluster = await startNatsCluster();
    step("cluster up");
    sim = await startSimulator({ port: 0, timeScale: 0.01, market: openMarket() });
    nc = await connect({
      servers: cluster.urls().split(","),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 200,
    });
    // connector a on n1 first, its standby b on n2 first; each reaches the cluster through proxies it can be cut by
    for (const [id, order] of [
      ["a", [0, 1, 2]],
      ["b", [1, 2, 0]],
    ] as const) {
      const proxies = await Promise.all(order.map((i) => startTcpProxy(cluster.nodes[i]!.port)));
      const cli = spawnCli("connector", [], {
        NATS_URL: proxies.map((p) => p.url).join(","),
        NATS_NO_RANDOMIZE: "true",
        NATS_JS_REPLICAS: "3",
        IB_PORT: String(sim.port),
        IB_CLIENT_ID: CLIENT_ID,
        IB_READONLY: "false",
        IB_RECONNECT_MAX_MS: "1000",
        ORDER_TOKEN_SECRET: SECRET,
        AUDIT_LOG_PATH: join(dir, `audit-${id}.jsonl`),
        LEASE_TTL_MS: String(LEASE_TTL_MS),
        CONNECTOR_ID: id,
        LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? "warn",
      });
      connectors.set(id, { cli, proxies });
      if (id === "a") await untilHolder("a", 30_000);
    }
    for (const order of [
      [2, 0, 1],
      [0, 1, 2],
    ]) {
      const port = await freePort();
      gateways.push(
        spawnCli("gateway", [], {
          NATS_URL: cluster.urls(order),
          NATS_NO_RANDOMIZE: "true",
          PORT: String(port),
          MCP_ENABLE_TRADING: "true",
          MCP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
          CONNECTOR_WAIT_MS: "3000",
        }),
      );
      const g = gateways.at(-1)!;
      // a gateway must never exit under chaos; if one does, its last words are in the TAP output
      g.proc.once("exit", (code, signal) => {
        if (!stopping) console.log(`gateway exited (${code ?? signal}): ${g.output().slice(-4000)}`);
      });
      await waitForOk(`http://127.0.0.1:${port}/ready`, 30_000);
      step(`gateway ${gateways.length} ready`);
      clients.push(await mcpClient(`http://127.0.0.1:${port}/mcp`));
    }
  });

  let stopping = false;
  after(async () => {
    stopping = true;
    // CHAOS_DUMP=/tmp/x (with CHAOS_LOG_LEVEL=info) keeps each connector's log for a look at a failed run
    if (process.env.CHAOS_DUMP)
      for (const [id, c] of connectors)
        await writeFile(`${process.env.CHAOS_DUMP}-${id}.log`, c.cli.output());
    for (const c of clients) await c.close().catch(() => undefined);
    await nc?.close().catch(() => undefined);
    for (const g of gateways) await g.stop();
    for (const { cli, proxies } of connectors.values()) {
      await cli.stop();
      for (const p of proxies) await p.close();
    }
    await sim?.close();
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Places one token, retrying retryable errors as an agent would, until it is placed (deadline 30 s). */
  const placeOnce = async (token: string): Promise<ToolResult[]> => {
    const replies: ToolResult[] = [];
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      const r = (await clients[0]!.callTool({ name: "place_order", arguments: { token } })) as ToolResult;
      replies.push(r);
      if (!r.isError) return replies;
      const info = r._meta?.["ib-mcp/error"] as { retryable?: boolean } | undefined;
      if (!info?.retryable) return replies;
      await sleep(300);
    }
    return replies;
  };

  const killAndRestart = async (name: string, nodeIndex: number, during?: () => Promise<void>) => {
    const node = cluster.nodes[nodeIndex]!;
    const from = Date.now();
    step(`${name}: SIGKILL ${node.name}`);
    await node.kill();
    const work = during?.();
    await sleep(NODE_DOWN_MS);
    await node.start();
    await cluster.waitForJetStream();
    step(`${name}: ${node.name} restarted, JetStream answers`);
    await work;
    await sleep(3_000);
    phases.push({ name, from, to: Date.now() });
  };

  it("loses a node, then the lease leader's node, then partitions the connector: calls keep their promises", async () => {
    const placeOrderBefore = sim.stats().requests.placeOrder ?? 0;
    const load = startLoad(clients, 4);
    await sleep(2_000);

    await killAndRestart("random node", Math.floor(Math.random() * 3));

    step("asking for the lease bucket's leader");
    let leader: string | undefined;
    for (let i = 0; i < 5 && !leader; i++) leader = await cluster.streamLeader("KV_ib_mcp_leases");
    step(`lease bucket leader: ${leader}`);
    const leaderIndex = cluster.nodes.findIndex((n) => n.name === leader);
    assert.ok(leaderIndex >= 0, `the lease bucket has a leader (${leader})`);
    const order = {
      conId: aapl.conId,
      symbol: "AAPL",
      sec_type: "STK" as const,
      exchange: "SMART",
      currency: "USD",
      multiplier: 1,
      side: "BUY" as const,
      quantity: 1,
      order_type: "MKT" as const,
      tif: "DAY" as const,
      outside_rth: false,
      account: sim.accounts[0]!,
      reference_price: aapl.price,
      notional: aapl.price,
    };
    const { token } = signToken(SECRET, "paper", order, 120_000);
    let replies: ToolResult[] = [];
    await killAndRestart("lease leader node", leaderIndex, async () => {
      replies = await placeOnce(token);
    });

    const serving = await holder();
    console.log(`chaos cut ${serving} at ${Date.now() - (phases[0]?.from ?? 0)}`);
    assert.ok(connectors.has(serving), `a connector holds the lease (${serving})`);
    const cutAt = Date.now();
    for (const p of connectors.get(serving)!.proxies) p.cut();
    await sleep(LEASE_TTL_MS + 3_000);
    for (const p of connectors.get(serving)!.proxies) p.heal();
    await sleep(4_000);
    phases.push({ name: "partition", from: cutAt, to: Date.now() });
    step("partition healed");
    const records = await load.stop();
    step("load stopped");

    const report: Record<string, unknown> = { total: figures(records) };
    for (const p of phases) report[p.name] = figures(endedIn(records, p.from, p.to));
    console.log(`chaos figures ${JSON.stringify(report)}`);
    const t0 = phases[0]?.from ?? 0;
    const timeline = phases.map((p) => `${p.name} ${p.from - t0}..${p.to - t0}`);
    const failed = records.filter((r) => !r.ok).map((r) => `${r.start - t0}+${r.end - r.start} ${r.code}`);
    console.log(`chaos timeline ${timeline.join("; ")} failures ${failed.slice(0, 40).join("; ")}`);

    for (const g of gateways) assert.equal(g.proc.exitCode, null, "no gateway exited under chaos");
    // every call ended by its deadline, with a result or a coded retryable error
    for (const r of records) {
      assert.ok(r.end - r.start <= REQUEST_TIMEOUT_MS + SLACK_MS, `a call took ${r.end - r.start} ms`);
      if (!r.ok) assert.ok(r.code && RETRYABLE.has(r.code) && r.retryable, `not coded/retryable: ${r.text}`);
    }
    // fewer than 1 % fail while a node is lost
    for (const p of phases.filter((x) => x.name !== "partition")) {
      const f = figures(endedIn(records, p.from, p.to));
      assert.ok(f.calls >= 100, `${p.name}: load kept running (${f.calls} calls)`);
      assert.ok(f.failures / f.calls < 0.01, `${p.name}: ${f.failures} of ${f.calls} calls failed`);
    }
    // after the partition, the standby serves within the lease TTL plus a few seconds
    const settled = cutAt + LEASE_TTL_MS + 4_000;
    const late = startedIn(records, settled, Date.now());
    assert.ok(late.length >= 50, `calls ran after the takeover (${late.length})`);
    assert.deepEqual(
      late.filter((r) => !r.ok).map((r) => r.text),
      [],
      "every call succeeds once the standby serves",
    );
    assert.notEqual(await holder(), serving, "the cut-off connector lost the lease to its standby");

    // never two connectors on one IB clientId; the token placed during a node loss is one order
    assert.equal(sim.stats().connections.peakByClientId[CLIENT_ID], 1, "never two IB sessions at once");
    assert.equal(
      sim.stats().errorsSent["326"] ?? 0,
      0,
      "no connector tried IB while the other still held it",
    );
    const placed = replies.filter((r) => !r.isError);
    assert.equal(placed.length, 1, `placed: ${replies.map((r) => textOf(r)).join(" | ")}`);
    assert.equal((sim.stats().requests.placeOrder ?? 0) - placeOrderBefore, 1, "one order reached IB");
    const again = (await clients[1]!.callTool({ name: "place_order", arguments: { token } })) as ToolResult;
    assert.equal(again.structuredContent?.order_id, placed[0]!.structuredContent?.order_id, textOf(again));
    assert.equal((sim.stats().requests.placeOrder ?? 0) - placeOrderBefore, 1, "a replay sent nothing");

    // every bucket the connector made has three copies
    const jsm = await jetstreamManager(nc);
    for (const b of ["KV_ib_mcp_leases", "KV_ib-mcp-orders-paper", "KV_ib-mcp-risk-paper"])
      assert.equal((await jsm.streams.info(b)).config.num_replicas, 3, b);
  });
});
