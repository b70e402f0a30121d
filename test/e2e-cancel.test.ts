/**
 * A client that hangs up cancels its call all the way down, through real processes: gateway (HTTP abort) → NATS
 * (`ib.paper._cancel`) → connector (the call's run is aborted) → simulator (IB's market data request is cancelled),
 * and the market data line the call held is free for the next call at once, not when the slow answer arrives.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { chainSpecs, chainStrikes, findInstrument, optionChainParams } from "../sim/index.ts";
import type { SimStats } from "../sim/stats.ts";
import { freePort } from "./support/free-port.ts";
import { type NatsServerHandle, startNatsServer } from "./support/nats-server.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { mcpClient, textOf, waitForOk } from "./support/stack.ts";

// Every simulator reply waits this long while the call under test runs: its option contract arrives after SLOW_MS,
// its market data (which holds the one line) would arrive SLOW_MS later; the cancel must come far sooner.
const SLOW_MS = 5_000;

describe("a client that hangs up (gateway → NATS → connector → simulator)", () => {
  let nats: NatsServerHandle;
  let sim: CliProcess;
  let connector: CliProcess;
  let gateway: CliProcess;
  let control: string;
  let url: string;
  let client: Client;
  const aapl = findInstrument("AAPL", "STK")!;
  const expiry = optionChainParams("AAPL", aapl.conId)[0]!.expirations[0]!;
  const [strikeA, strikeB] = chainStrikes(aapl, chainSpecs.AAPL!).slice(4, 6) as [number, number];
  const quotesOf = (strike: number) => ({ symbol: "AAPL", expiry, right: "C", strikes: [strike] });

  const stats = async () => (await (await fetch(`${control}/stats`)).json()) as SimStats;
  const setLatency = async (ms: number) => {
    const res = await fetch(`${control}/latency`, { method: "POST", body: JSON.stringify({ ms }) });
    assert.equal(res.status, 200);
  };
  const waitFor = async (what: string, ms: number, check: () => Promise<boolean>) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail(`${what} did not happen within ${ms} ms`);
  };

  before(async () => {
    nats = await startNatsServer();
    const controlPort = await freePort();
    sim = spawnCli("sim", ["--port", "0", "--control-port", String(controlPort)], {});
    const simPort = Number((await sim.waitFor(/listening on 127\.0\.0\.1:(\d+)/, 20_000))[1]);
    control = `http://127.0.0.1:${controlPort}`;
    // one market data line: a call that keeps it keeps every other quote waiting
    connector = spawnCli("connector", [], {
      NATS_URL: nats.url,
      IB_PORT: String(simPort),
      IB_CLIENT_ID: "43",
      IB_MAX_MARKET_DATA_LINES: "1",
    });
    const port = await freePort();
    gateway = spawnCli("gateway", [], {
      NATS_URL: nats.url,
      PORT: String(port),
      MCP_REQUEST_TIMEOUT_MS: "30000",
    });
    await waitForOk(`http://127.0.0.1:${port}/ready`, 30_000);
    url = `http://127.0.0.1:${port}/mcp?toolsets=options`;
    client = await mcpClient(url);
    for (const strike of [strikeA, strikeB]) {
      const warm = await client.callTool({ name: "get_option_quotes", arguments: quotesOf(strike) });
      assert.notEqual(warm.isError, true, textOf(warm));
    }
  });

  after(async () => {
    await client?.close();
    await gateway?.stop();
    await connector?.stop();
    await sim?.stop();
    await nats?.stop();
  });

  it("cancels IB's market data request at once and frees the line for the next call", async () => {
    const before = await stats();
    const reqs = (s: SimStats, name: string) => s.requests[name] ?? 0;
    await setLatency(SLOW_MS);
    const hangUp = new AbortController();
    const slow = fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "get_option_quotes", arguments: quotesOf(strikeA) },
      }),
      signal: hangUp.signal,
    }).catch((err: unknown) => err);
    await waitFor("the slow call's market data request", SLOW_MS + 5_000, async () => {
      return reqs(await stats(), "reqMktData") > reqs(before, "reqMktData");
    });
    const hungUpAt = Date.now();
    hangUp.abort();
    assert.ok((await slow) instanceof Error, "the client gave up");
    // without the cancel, IB's request ends (and is cancelled) only when its ticks arrive, SLOW_MS later
    await waitFor("IB's cancelMktData", SLOW_MS / 2, async () => {
      return reqs(await stats(), "cancelMktData") > reqs(before, "cancelMktData");
    });
    const cancelMs = Date.now() - hungUpAt;

    await setLatency(0);
    const started = Date.now();
    const next = await client.callTool({ name: "get_option_quotes", arguments: quotesOf(strikeB) });
    const nextMs = Date.now() - started;
    assert.notEqual(next.isError, true, textOf(next));
    console.log(
      `cancelMktData ${cancelMs} ms after the hang-up; the next quote on the one line took ${nextMs} ms`,
    );
    // without the cancel the line stays taken until the slow answer arrives, SLOW_MS after it was asked
    assert.ok(nextMs < SLOW_MS / 2, `the next call waited ${nextMs} ms for the line`);
    assert.equal((await stats()).errorsSent["101"] ?? 0, 0, "IB never refused a line");
  });
});
