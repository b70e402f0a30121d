/**
 * The same gateway app on Node (NATS over WebSocket), Bun, Deno, workerd (the Cloudflare Workers runtime, with the
 * Durable Object holding the connection) and AWS Lambda's handler, each through one real nats-server with a
 * WebSocket listener to the real connector process and simulator. Every runtime runs the seed-tool checks, the
 * bearer-token checks and the conformance scenarios that apply.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { assertConformance, conformanceScenarios } from "../gateway/testing/conformance.ts";
import { findInstrument } from "../sim/universe/index.ts";
import { startGatewayOn } from "./support/edge-gateways.ts";
import { type EdgeStack, startEdgeStack } from "./support/edge-stack.ts";
import { freePort } from "./support/free-port.ts";
import { functionUrlEvent } from "./support/function-url-event.ts";
import { startNatsServer } from "./support/nats-server.ts";
import { seedToolChecks } from "./support/seed-checks.ts";
import { mcpClient, waitForOk } from "./support/stack.ts";
import { startWorkerd } from "./support/workerd.ts";

const TOKEN = "edge-runtime-test-token-5f0c2a";
const mcpHeaders = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const toolsList = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
const lookupAapl = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "lookup_contract", arguments: { symbol: "AAPL" } },
});

let stack: EdgeStack;
const wsUrl = () => stack.wsUrl;

interface Deployed {
  /** Base URL of the gateway that requires TOKEN. */
  authed: string;
  /** Base URL of one without tokens on loopback, for the conformance suite (it sends no token). */
  open: string;
  stop(): Promise<void>;
}

function runtimeSuite(name: string, deploy: () => Promise<Deployed>): void {
  describe(`the gateway on ${name}`, () => {
    let deployed: Deployed | undefined;
    let client: Client | undefined;

    before(async () => {
      deployed = await deploy();
      await waitForOk(`${deployed.authed}/ready`, 30_000);
      // every read tool, as the seed checks expect (the default /mcp lists the default toolsets)
      client = await mcpClient(`${deployed.authed}/mcp?toolsets=all`, { Authorization: `Bearer ${TOKEN}` });
    });
    after(async () => {
      await client?.close();
      await deployed?.stop();
    });

    seedToolChecks(() => client as Client);

    it("answers /mcp with 401 without a token or with a wrong one, and serves it with the right one", async () => {
      const base = deployed?.authed ?? "";
      const post = (headers: Record<string, string>) =>
        fetch(`${base}/mcp`, { method: "POST", headers: { ...mcpHeaders, ...headers }, body: toolsList });
      const none = await post({});
      assert.equal(none.status, 401);
      assert.match(none.headers.get("www-authenticate") ?? "", /Bearer/);
      assert.match(await none.text(), /MCP_AUTH_TOKENS/);
      const wrong = await post({ authorization: "Bearer not-the-token" });
      assert.equal(wrong.status, 401);
      const right = await post({ authorization: `Bearer ${TOKEN}` });
      assert.equal(right.status, 200);
      const body = (await right.json()) as { result: { tools: Array<{ name: string }> } };
      assert.ok(body.result.tools.some((t) => t.name === "lookup_contract"));
    });

    for (const scenario of conformanceScenarios) {
      it(`passes the conformance scenario ${scenario}`, () =>
        assertConformance(`${deployed?.open}/mcp`, scenario));
    }
  });
}

/** The authed and the open gateway as two processes of one runtime. */
const processes = (runtime: "node" | "bun" | "deno") => async (): Promise<Deployed> => {
  const env = { NATS_URL: wsUrl(), LOG_LEVEL: "warn" };
  const [authed, open] = await Promise.all([
    startGatewayOn(runtime, { ...env, MCP_AUTH_TOKENS: TOKEN }),
    startGatewayOn(runtime, env),
  ]);
  return {
    authed: authed.base,
    open: open.base,
    stop: async () => {
      await Promise.all([authed.cli.stop(), open.cli.stop()]);
    },
  };
};

describe("the gateway on other runtimes, through nats-server's WebSocket listener", () => {
  before(async () => {
    stack = await startEdgeStack("31");
  });
  after(async () => {
    await stack?.stop();
  });

  it("stops each runtime's gateway cleanly (exit 0) on a SIGTERM sent as soon as it says it is ready", async () => {
    for (const runtime of ["node", "bun", "deno"] as const) {
      const gw = await startGatewayOn(runtime, { NATS_URL: wsUrl(), LOG_LEVEL: "warn" });
      assert.equal(await gw.cli.stop("SIGTERM"), 0, `${runtime}:\n${gw.cli.output()}`);
    }
  });

  runtimeSuite("Node over ws://", processes("node"));
  runtimeSuite("Bun", processes("bun"));
  runtimeSuite("Deno", processes("deno"));
  runtimeSuite("workerd (Cloudflare Workers), Durable Object bus", async () => {
    const env = { NATS_URL: wsUrl(), LOG_LEVEL: "warn" };
    const workerd = await startWorkerd([
      { name: "authed", env: { ...env, MCP_AUTH_TOKENS: TOKEN }, durableObject: true },
      { name: "open", env: { ...env, HOST: "127.0.0.1" }, durableObject: true },
    ]);
    return { authed: workerd.bases.authed ?? "", open: workerd.bases.open ?? "", stop: workerd.stop };
  });

  it("on workerd, answers tools/call from the first call on and again after an idle second, on both bus modes", async () => {
    const env = { NATS_URL: wsUrl(), HOST: "127.0.0.1", LOG_LEVEL: "warn" };
    const workerd = await startWorkerd([
      { name: "durable", env, durableObject: true },
      { name: "perrequest", env: { ...env, NATS_BUS_MODE: "per-request" }, durableObject: false },
    ]);
    try {
      for (const [name, base] of Object.entries(workerd.bases)) {
        // the second call comes after the bus has been idle, when its timers have been put away
        for (const idleMs of [0, 1_000]) {
          await new Promise((r) => setTimeout(r, idleMs));
          const res = await fetch(`${base}/mcp`, { method: "POST", headers: mcpHeaders, body: lookupAapl });
          const text = await res.text();
          const result = (JSON.parse(text) as { result?: { structuredContent?: { contracts?: unknown[] } } })
            .result;
          assert.deepEqual(
            (result?.structuredContent?.contracts?.[0] as { conId?: number } | undefined)?.conId,
            findInstrument("AAPL", "STK")?.conId,
            `${name}, after ${idleMs} ms idle: ${text}\n${workerd.output()}`,
          );
        }
      }
    } finally {
      await workerd.stop();
    }
  });

  it("on workerd, a call that finds no connector waits CONNECTOR_WAIT_MS for one first, on both bus modes", async () => {
    const empty = await startNatsServer({ websocket: true, jetstream: false }); // reachable, but no connector
    const env = {
      NATS_URL: empty.wsUrl ?? "",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      CONNECTOR_WAIT_MS: "1200",
    };
    const workerd = await startWorkerd([
      { name: "durable", env, durableObject: true },
      { name: "perrequest", env: { ...env, NATS_BUS_MODE: "per-request" }, durableObject: false },
    ]).catch(async (err) => {
      await empty.stop();
      throw err;
    });
    try {
      for (const [name, base] of Object.entries(workerd.bases)) {
        const started = performance.now();
        const res = await fetch(`${base}/mcp`, { method: "POST", headers: mcpHeaders, body: lookupAapl });
        const elapsed = performance.now() - started;
        const text = await res.text();
        assert.match(
          text,
          /CONNECTOR_UNAVAILABLE: no paper connector is listening.*waited up to 1200 ms/,
          name,
        );
        assert.ok(elapsed >= 1_100 && elapsed < 10_000, `${name} answered in ${elapsed.toFixed(0)} ms`);
      }
    } finally {
      await workerd.stop();
      await empty.stop();
    }
  });

  it("on workerd without a reachable NATS, answers CONNECTOR_UNAVAILABLE within seconds on both bus modes", async () => {
    const env = { NATS_URL: `ws://127.0.0.1:${await freePort()}`, HOST: "127.0.0.1", LOG_LEVEL: "silent" };
    const workerd = await startWorkerd([
      { name: "durable", env, durableObject: true },
      { name: "perrequest", env: { ...env, NATS_BUS_MODE: "per-request" }, durableObject: false },
    ]);
    try {
      for (const base of Object.values(workerd.bases)) {
        const started = performance.now();
        const res = await fetch(`${base}/mcp`, { method: "POST", headers: mcpHeaders, body: lookupAapl });
        const elapsed = performance.now() - started;
        const text = await res.text();
        assert.equal(res.status, 200, text);
        assert.match(text, /CONNECTOR_UNAVAILABLE/);
        assert.ok(elapsed < 10_000, `${base} answered in ${elapsed.toFixed(0)} ms`);
        assert.equal((await fetch(`${base}/ready`)).status, 503);
      }
    } finally {
      await workerd.stop();
    }
  });

  describe("the gateway as an AWS Lambda function behind a function URL", () => {
    it("answers function-URL events through NATS over WebSocket, cold then warm, and 401 without a token", async () => {
      const auth = { authorization: `Bearer ${TOKEN}` };
      const call = (id: number, name: string, args: Record<string, unknown>) => ({
        jsonrpc: "2.0",
        id,
        method: "tools/call",
        params: { name, arguments: args },
      });
      const events = [
        functionUrlEvent({
          headers: { ...mcpHeaders, ...auth },
          body: call(1, "lookup_contract", { symbol: "AAPL" }),
        }),
        functionUrlEvent({
          headers: { ...mcpHeaders, ...auth },
          body: call(2, "ticker_to_conid", { symbol: "MSFT" }),
        }),
        functionUrlEvent({ headers: mcpHeaders, body: JSON.parse(toolsList) }),
        functionUrlEvent({ method: "GET", path: "/ready" }),
      ];
      const dir = mkdtempSync(join(tmpdir(), "ib-mcp-lambda-"));
      const file = join(dir, "events.json");
      writeFileSync(file, JSON.stringify(events));
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          [
            "--experimental-websocket",
            "--no-warnings",
            "--import",
            "tsx",
            "test/support/lambda-invoke.ts",
            file,
          ],
          {
            timeout: 60_000,
            env: { PATH: process.env.PATH, NATS_URL: wsUrl(), MCP_AUTH_TOKENS: TOKEN, LOG_LEVEL: "warn" },
          },
          (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
        );
      }).finally(() => rmSync(dir, { recursive: true, force: true }));
      const results = stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { statusCode: number; body: string; headers: Record<string, string> });
      assert.equal(results.length, events.length, stdout);
      const [cold, warm, unauthorized, ready] = results;
      assert.equal(cold?.statusCode, 200, cold?.body);
      const contracts = JSON.parse(cold?.body ?? "").result.structuredContent.contracts;
      assert.equal(contracts[0].conId, findInstrument("AAPL", "STK")?.conId);
      assert.equal(warm?.statusCode, 200, warm?.body);
      assert.equal(
        JSON.parse(warm?.body ?? "").result.structuredContent.conId,
        findInstrument("MSFT", "STK")?.conId,
      );
      assert.equal(unauthorized?.statusCode, 401);
      assert.deepEqual(JSON.parse(ready?.body ?? ""), { ready: true, mode: "paper" });
    });
  });
});
