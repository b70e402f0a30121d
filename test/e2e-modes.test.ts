/**
 * Issue 5's paper ↔ live swap: a paper and a live connector side by side (own subjects, own lease, own clientId),
 * one gateway serving both by URL, and a connector stopped and started again without touching the gateway.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { freePort } from "./support/free-port.ts";
import { type NatsServerHandle, startNatsServer } from "./support/nats-server.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { mcpClient, spawnSim, textOf, waitForOk } from "./support/stack.ts";

type Status = { isError?: boolean; structuredContent?: { mode?: string; clientId?: number; state?: string } };

describe("paper and live side by side, swapped without a gateway restart", () => {
  let nats: NatsServerHandle;
  let sim: { cli: CliProcess; port: number };
  const connectors = new Map<string, CliProcess>();
  let gateway: CliProcess;
  let base: string;
  const clients = new Map<string, Client>();

  const startConnector = (mode: "paper" | "live") =>
    connectors.set(
      mode,
      spawnCli("connector", [], { NATS_URL: nats.url, IB_PORT: String(sim.port), TRADING_MODE: mode }),
    );
  const status = async (mode: string) =>
    (await clients.get(mode)!.callTool({ name: "get_connection_status", arguments: {} })) as Status;
  const untilReady = async (mode: string, timeoutMs: number) => {
    const until = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < until) {
      const r = await status(mode);
      if (!r.isError && r.structuredContent?.state === "ready") return r;
      last = textOf(r);
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`${mode} not ready within ${timeoutMs} ms: ${last}`);
  };

  before(async () => {
    nats = await startNatsServer();
    sim = await spawnSim();
    startConnector("paper");
    startConnector("live");
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gateway = spawnCli("gateway", [], { NATS_URL: nats.url, PORT: String(port), GATEWAY_ALLOW_LIVE: "true" });
    await waitForOk(`${base}/ready`, 30_000);
    for (const mode of ["paper", "live"]) clients.set(mode, await mcpClient(`${base}/mcp/${mode}`));
  });

  after(async () => {
    for (const c of clients.values()) await c.close().catch(() => undefined);
    await gateway?.stop();
    for (const c of connectors.values()) await c.stop();
    await sim?.cli.stop();
    await nats?.stop();
  });

  it("each URL reaches the connector of its mode, with its own clientId", async () => {
    const paper = await untilReady("paper", 15_000);
    const live = await untilReady("live", 15_000);
    assert.equal(paper.structuredContent?.mode, "paper");
    assert.equal(live.structuredContent?.mode, "live");
    assert.notEqual(paper.structuredContent?.clientId, live.structuredContent?.clientId);
  });

  it("stopping the paper connector leaves live serving; starting it again needs no gateway restart", async () => {
    const gatewayPid = gateway.proc.pid;
    await connectors.get("paper")!.stop();
    const down = await status("paper");
    assert.equal(down.isError, true);
    assert.match(textOf(down), /CONNECTOR_UNAVAILABLE/);
    assert.match(textOf(down), /TRADING_MODE=paper/);
    assert.equal((await status("live")).structuredContent?.mode, "live");

    startConnector("paper");
    const back = await untilReady("paper", 20_000);
    assert.equal(back.structuredContent?.mode, "paper");
    assert.equal(gateway.proc.pid, gatewayPid);
    assert.equal(gateway.proc.exitCode, null, "the gateway kept running throughout");
  });
});
