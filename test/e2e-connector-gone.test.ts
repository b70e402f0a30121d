/**
 * A connector that dies with a call in flight: the caller learns it within ~3 s (CONNECTOR_UNAVAILABLE,
 * retryable), not at its 20 s deadline. Real processes: nats-server, the simulator (made slow through its
 * control API, so the call sits in the connector), two connectors (active and hot standby), one gateway, the
 * MCP SDK client. First the active one is killed and the standby takes over; then the last one is killed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { Kvm } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { OPEN_CLOCK_ARGS } from "../sim/testing/open-market.ts";
import { freePort } from "./support/free-port.ts";
import { type NatsServerHandle, startNatsServer } from "./support/nats-server.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { mcpClient, textOf, waitForOk } from "./support/stack.ts";

type ToolResult = { isError?: boolean; structuredContent?: Record<string, unknown> };

const CLIENT_ID = "31";
const LEASE_TTL_MS = 3_000;
/** The gateway's default deadline: what the caller waited before this behaviour existed. */
const REQUEST_TIMEOUT_MS = 20_000;
const FAST_FAILURE_MS = 3_000;

describe("a connector killed with a call in flight", () => {
  let nats: NatsServerHandle;
  let sim: CliProcess;
  let control: string;
  let simPort: number;
  const connectors = new Map<string, CliProcess>();
  let gateway: CliProcess;
  let client: Client;
  let nc: NatsConnection;

  const post = async (path: string, body: unknown = {}) => {
    const res = await fetch(`${control}${path}`, { method: "POST", body: JSON.stringify(body) });
    assert.equal(res.status, 200, await res.text());
  };
  const simRequests = async (name: string) =>
    ((await (await fetch(`${control}/stats`)).json()) as { requests: Record<string, number> }).requests[
      name
    ] ?? 0;
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args }, undefined, {
      timeout: REQUEST_TIMEOUT_MS + 10_000,
    })) as ToolResult;
  const holder = async (): Promise<string> => {
    const entry = await (await new Kvm(nc).open("ib_mcp_leases")).get("paper");
    return entry?.json<{ holderId: string }>().holderId ?? "";
  };
  const untilServing = async (timeoutMs: number) => {
    const until = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < until) {
      const r = await call("ticker_to_conid", { symbol: "AAPL" });
      if (!r.isError) return;
      last = textOf(r);
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`not serving within ${timeoutMs} ms; last answer: ${last}`);
  };
  const startConnector = (id: string) =>
    connectors.set(
      id,
      spawnCli("connector", [], {
        NATS_URL: nats.url,
        IB_PORT: String(simPort),
        IB_CLIENT_ID: CLIENT_ID,
        TRADING_MODE: "paper",
        CONNECTOR_ID: id,
        LEASE_TTL_MS: String(LEASE_TTL_MS),
        IB_RECONNECT_MAX_MS: "1000",
      }),
    );

  /** Makes IB slow, starts a call, kills the connector that has it; returns the answer and its delay after the kill. */
  async function killDuringCall(symbol: string) {
    const active = await holder();
    const proc = connectors.get(active);
    assert.ok(proc, `the lease names a running connector (${active})`);
    const sent = await simRequests("reqContractDetails");
    await post("/latency", { ms: 60_000 });
    const answer = call("get_contract_details", { symbol });
    const until = Date.now() + 10_000;
    while ((await simRequests("reqContractDetails")) === sent) {
      assert.ok(Date.now() < until, "the call never reached IB");
      await new Promise((res) => setTimeout(res, 50));
    }
    await new Promise((res) => setTimeout(res, 1_500)); // well into the call: the gateway already probes
    await proc.stop("SIGKILL");
    const killedAt = performance.now();
    connectors.delete(active);
    await post("/latency", { ms: 0 });
    const result = await answer;
    return { active, result, afterKillMs: performance.now() - killedAt };
  }

  before(async () => {
    nats = await startNatsServer();
    const controlPort = await freePort();
    sim = spawnCli("sim", ["--port", "0", "--control-port", String(controlPort), ...OPEN_CLOCK_ARGS], {});
    simPort = Number((await sim.waitFor(/listening on 127\.0\.0\.1:(\d+)/, 20_000))[1]);
    control = `http://127.0.0.1:${controlPort}`;
    startConnector("connector-a");
    startConnector("connector-b");
    const port = await freePort();
    gateway = spawnCli("gateway", [], {
      NATS_URL: nats.url,
      PORT: String(port),
      MCP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    await waitForOk(`http://127.0.0.1:${port}/ready`, 30_000);
    client = await mcpClient(`http://127.0.0.1:${port}/mcp`);
    nc = await connect({ servers: nats.url });
    await untilServing(20_000);
  });

  after(async () => {
    await client?.close();
    await nc?.close();
    await gateway?.stop();
    for (const c of connectors.values()) await c.stop();
    await sim?.stop();
    await nats?.stop();
  });

  it("with a standby: the caller gets CONNECTOR_UNAVAILABLE within 3 s, and the standby serves the retry", async () => {
    const { active, result, afterKillMs } = await killDuringCall("MSFT");
    assert.equal(result.isError, true);
    const text = textOf(result);
    assert.match(text, /CONNECTOR_UNAVAILABLE/);
    assert.match(text, /paper connector serving get_contract_details went away/);
    assert.ok(afterKillMs < FAST_FAILURE_MS, `answered ${afterKillMs.toFixed(0)} ms after the kill`);
    console.log(`# standby case: CONNECTOR_UNAVAILABLE ${afterKillMs.toFixed(0)} ms after SIGKILL`);
    await untilServing(LEASE_TTL_MS + 15_000);
    assert.notEqual(await holder(), active, "the standby took the lease");
    const retry = await call("get_contract_details", { symbol: "MSFT" });
    assert.notEqual(retry.isError, true, textOf(retry));
  });

  it("without a standby: the caller gets CONNECTOR_UNAVAILABLE within 3 s, not at its deadline", async () => {
    const { result, afterKillMs } = await killDuringCall("IBM");
    assert.equal(connectors.size, 0, "no connector is left");
    assert.equal(result.isError, true);
    assert.match(textOf(result), /CONNECTOR_UNAVAILABLE/);
    assert.match(textOf(result), /went away before answering/);
    assert.ok(afterKillMs < FAST_FAILURE_MS, `answered ${afterKillMs.toFixed(0)} ms after the kill`);
    console.log(`# no standby: CONNECTOR_UNAVAILABLE ${afterKillMs.toFixed(0)} ms after SIGKILL`);
  });
});
