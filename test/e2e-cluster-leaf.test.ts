/**
 * An edge site: a gateway whose only NATS server is a leaf node (its own nats-server with a leafnode connection
 * to the three-node cluster, attached to n1 first), serving agents near it while the connector runs near IB on
 * the cluster. The leaf's hub node is SIGKILLed under load, then the whole site (the leaf) is lost and restarted.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { findInstrument, type Simulator, startSimulator } from "../sim/index.ts";
import { endedIn, figures, startLoad } from "./support/chaos-load.ts";
import { freePort } from "./support/free-port.ts";
import { type NatsCluster, type NatsNode, startNatsCluster } from "./support/nats-cluster.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { mcpClient, textOf, waitForOk } from "./support/stack.ts";

const REQUEST_TIMEOUT_MS = 5_000;
const CONNECTOR_WAIT_MS = 3_000;
const SLACK_MS = 1_500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type ToolResult = {
  isError?: boolean;
  structuredContent?: { conId?: number };
  _meta?: Record<string, unknown>;
};

describe("a gateway at an edge site, through a NATS leaf node", { timeout: 150_000 }, () => {
  let cluster: NatsCluster;
  let leaf: NatsNode;
  let sim: Simulator;
  let connector: CliProcess;
  let gateway: CliProcess;
  let client: Client;
  let base: string;

  before(async () => {
    cluster = await startNatsCluster();
    sim = await startSimulator({ port: 0 });
    connector = spawnCli("connector", [], {
      NATS_URL: cluster.urls([1, 2, 0]),
      NATS_NO_RANDOMIZE: "true",
      NATS_JS_REPLICAS: "3",
      IB_PORT: String(sim.port),
      IB_CLIENT_ID: "42",
      LEASE_TTL_MS: "15000",
    });
    leaf = await cluster.startLeaf("edge");
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gateway = spawnCli("gateway", [], {
      NATS_URL: leaf.url,
      PORT: String(port),
      MCP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      CONNECTOR_WAIT_MS: String(CONNECTOR_WAIT_MS),
    });
    await waitForOk(`${base}/ready`, 30_000);
    client = await mcpClient(`${base}/mcp`);
  });

  after(async () => {
    await client?.close().catch(() => undefined);
    await gateway?.stop();
    await connector?.stop();
    await sim?.close();
    await cluster?.stop();
  });

  const call = async () =>
    (await client.callTool({ name: "ticker_to_conid", arguments: { symbol: "IBM" } })) as ToolResult;

  it("serves tool calls from the cluster's connector", async () => {
    const r = await call();
    assert.equal(r.structuredContent?.conId, findInstrument("IBM", "STK")!.conId, textOf(r));
  });

  it("the leaf's hub node is lost under load: fewer than 1 % of calls fail, each by its deadline", async () => {
    const load = startLoad([client], 4);
    await sleep(1_500);
    const from = Date.now();
    await cluster.nodes[0]!.kill();
    await sleep(3_000);
    await cluster.nodes[0]!.start();
    await sleep(3_000);
    const to = Date.now();
    const records = await load.stop();
    const f = figures(endedIn(records, from, to));
    console.log(`leaf node-loss figures ${JSON.stringify({ total: figures(records), nodeLoss: f })}`);
    for (const r of records) {
      assert.ok(r.end - r.start <= REQUEST_TIMEOUT_MS + SLACK_MS, `a call took ${r.end - r.start} ms`);
      if (!r.ok) assert.ok(r.retryable, `not retryable: ${r.text}`);
    }
    assert.ok(f.calls >= 100, `load kept running (${f.calls} calls)`);
    assert.ok(f.failures / f.calls < 0.01, `${f.failures} of ${f.calls} calls failed`);
  });

  it("the site's leaf is lost: calls fail CONNECTOR_UNAVAILABLE within the wait, then serve again after restart", async () => {
    await leaf.kill();
    const started = Date.now();
    const r = await call();
    const took = Date.now() - started;
    assert.equal(r.isError, true);
    assert.match(textOf(r), /^CONNECTOR_UNAVAILABLE: the gateway is not connected to NATS/);
    assert.ok(
      took >= CONNECTOR_WAIT_MS - 200 && took <= CONNECTOR_WAIT_MS + SLACK_MS,
      `reported after ${took} ms`,
    );
    await leaf.start();
    const back = Date.now();
    let ok = false;
    while (!ok && Date.now() - back < 10_000) ok = !(await call()).isError;
    assert.ok(ok, "serving again within 10 s of the leaf's restart");
    console.log(
      `leaf site-loss: reported after ${took} ms, serving again ${Date.now() - back} ms after restart`,
    );
  });
});
