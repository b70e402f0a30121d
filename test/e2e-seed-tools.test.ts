/**
 * Issue 4's walking skeleton end to end: the MCP SDK client → gateway process → real nats-server → connector process →
 * simulator process over the TWS socket. Assertions come from the simulator's deterministic universe.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connect, type NatsConnection, headers as natsHeaders } from "@nats-io/transport-node";
import { findInstrument } from "../sim/universe/index.ts";
import { freePort } from "./support/free-port.ts";
import { type NatsServerHandle, startNatsServer } from "./support/nats-server.ts";
import { seedToolChecks, seedTools } from "./support/seed-checks.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { mcpClient, spawnSim, textOf, waitForOk } from "./support/stack.ts";

type ToolResult = { isError?: boolean; structuredContent?: Record<string, unknown>; content?: unknown };

const CONNECTOR_WAIT_MS = 500;

describe("seed tools end to end (gateway → NATS → connector → simulator)", () => {
  let nats: NatsServerHandle;
  let sim: { cli: CliProcess; port: number };
  let connector: CliProcess;
  let gateway: CliProcess;
  let client: Client;
  let nc: NatsConnection;
  let base: string;

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;

  before(async () => {
    nats = await startNatsServer();
    sim = await spawnSim();
    connector = spawnCli("connector", [], {
      NATS_URL: nats.url,
      IB_HOST: "127.0.0.1",
      IB_PORT: String(sim.port),
      IB_CLIENT_ID: "11",
      TRADING_MODE: "paper",
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gateway = spawnCli("gateway", [], {
      NATS_URL: nats.url,
      PORT: String(port),
      TRADING_MODE: "paper",
      // how long a call waits for a connector that may be coming back before it says none is there
      CONNECTOR_WAIT_MS: String(CONNECTOR_WAIT_MS),
    });
    await waitForOk(`${base}/ready`, 30_000);
    client = await mcpClient(`${base}/mcp?toolsets=all`);
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

  seedToolChecks(() => client);

  it("answers raw NATS requests on every subject with a result or a coded service error, and survives garbage", async () => {
    for (const name of seedTools) {
      const bad = await nc.request(`ib.paper.${name}`, "{not json", { timeout: 5_000 });
      assert.ok(bad.headers?.get("Nats-Service-Error-Code"), `${name} answers garbage with a service error`);
      const body = bad.json<{ error: { code: string } }>();
      assert.equal(body.error.code, "INVALID_ARGUMENT");
    }
    const h = natsHeaders();
    h.set("X-Request-Id", "raw-nats-1");
    const ok = await nc.request("ib.paper.lookup_contract", JSON.stringify({ symbol: "AAPL" }), {
      timeout: 5_000,
      headers: h,
    });
    assert.equal(ok.headers?.get("Nats-Service-Error-Code") ?? "", "");
    const result = ok.json<{ contracts: Array<{ conId: number }> }>();
    assert.equal(result.contracts[0]?.conId, findInstrument("AAPL", "STK")!.conId);
    const bin = await nc.request("ib.paper.get_positions", new Uint8Array([0xff, 0x00, 0xfe]), {
      timeout: 5_000,
    });
    assert.equal(bin.json<{ error: { code: string } }>().error.code, "INVALID_ARGUMENT");
    // still serving after the garbage
    const again = await call("ticker_to_conid", { symbol: "AAPL" });
    assert.equal(again.structuredContent?.conId, findInstrument("AAPL", "STK")!.conId);
  });

  it("with the connector down: tools/list still works and calls answer CONNECTOR_UNAVAILABLE once CONNECTOR_WAIT_MS is spent", async () => {
    await connector.stop();
    const { tools } = await client.listTools();
    assert.ok(tools.length >= seedTools.length);
    const started = performance.now();
    const r = await call("lookup_contract", { symbol: "AAPL" });
    const elapsed = performance.now() - started;
    assert.equal(r.isError, true);
    assert.match(textOf(r), /CONNECTOR_UNAVAILABLE/);
    assert.match(textOf(r), /npm run connector|start/);
    // once the wait is spent, not at the call's 20 s deadline
    assert.ok(elapsed < CONNECTOR_WAIT_MS + 1_000, `answered in ${elapsed.toFixed(0)} ms`);
  });
});
