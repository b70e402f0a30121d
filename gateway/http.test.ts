import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { ConfigError, GatewayEnv, parseEnv } from "../shared/config.ts";
import { createGatewayApp } from "./app.ts";
import { createMetrics } from "./metrics.ts";
import { aaplLookup, createFakeBus } from "./testing/fake-bus.ts";
import { mcpRequest } from "./testing/mcp-request.ts";

const logger = pino({ level: "silent" });
const env = (extra: Record<string, string> = {}) => parseEnv(GatewayEnv, { LOG_LEVEL: "silent", ...extra });
const appWith = (extra: Record<string, string> = {}, tokens?: string[]) => {
  const fake = createFakeBus(() => aaplLookup());
  return {
    ...fake,
    ...createGatewayApp({
      bus: fake.bus,
      env: env(extra),
      logger,
      tokens,
      readyCacheMs: 200,
      metrics: createMetrics(),
    }),
  };
};
type RpcError = { error: { code: number; message: string } };
const callLookup = { name: "lookup_contract", arguments: { symbol: "AAPL" } };

function rawPost(
  body: string | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
  init: RequestInit = {},
): Request {
  return new Request("http://127.0.0.1:48012/mcp", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      ...headers,
    },
    body,
    ...init,
  });
}

describe("bearer tokens", () => {
  it("401 with WWW-Authenticate without a token, and with a wrong one; 200 with a right one", async () => {
    const { app, calls } = appWith({}, ["tok-one", "tok-two"]);
    const none = await mcpRequest(app, "tools/call", callLookup);
    assert.equal(none.res.status, 401);
    assert.match(none.res.headers.get("www-authenticate") ?? "", /^Bearer realm="ib-mcp"/);
    assert.match(none.json.error.message, /MCP_AUTH_TOKENS/);
    const wrong = await mcpRequest(app, "tools/call", callLookup, { Authorization: "Bearer tok-three" });
    assert.equal(wrong.res.status, 401);
    assert.match(wrong.res.headers.get("www-authenticate") ?? "", /invalid_token/);
    const prefix = await mcpRequest(app, "tools/call", callLookup, { Authorization: "Bearer tok-on" });
    assert.equal(prefix.res.status, 401);
    assert.equal(calls.length, 0);
    const right = await mcpRequest(app, "tools/call", callLookup, { Authorization: "Bearer tok-two" });
    assert.equal(right.res.status, 200);
    assert.equal(right.json.result.structuredContent.symbol, "AAPL");
  });

  it("tokens come from MCP_AUTH_TOKENS when not passed in", async () => {
    const { app } = appWith({ MCP_AUTH_TOKENS: "a1,b2" });
    assert.equal((await mcpRequest(app, "ping")).res.status, 401);
    assert.equal((await mcpRequest(app, "ping", {}, { Authorization: "Bearer b2" })).res.status, 200);
  });

  it("refuses to build beyond loopback without tokens, and live without GATEWAY_ALLOW_LIVE", () => {
    const { bus } = createFakeBus(() => undefined);
    assert.throws(
      () => createGatewayApp({ bus, env: env({ HOST: "0.0.0.0" }), logger }),
      (e: unknown) => e instanceof ConfigError && /MCP_AUTH_TOKENS/.test(e.message),
    );
    assert.throws(
      () => createGatewayApp({ bus, env: env({ TRADING_MODE: "live" }), logger }),
      (e: unknown) =>
        e instanceof ConfigError && /GATEWAY_ALLOW_LIVE/.test(e.message) && /TRADING_MODE/.test(e.message),
    );
    assert.doesNotThrow(() =>
      createGatewayApp({ bus, env: env({ HOST: "0.0.0.0" }), logger, tokens: ["t"] }),
    );
  });
});

describe("DNS rebinding", () => {
  it("403 for a foreign Host or Origin on a loopback gateway; no Origin and loopback origins pass", async () => {
    const { app, calls } = appWith();
    const badHost = await mcpRequest(app, "tools/call", callLookup, { Host: "evil.example.com" });
    assert.equal(badHost.res.status, 403);
    assert.match(badHost.json.error.message, /MCP_ALLOWED_HOSTS/);
    const badOrigin = await mcpRequest(app, "tools/call", callLookup, { Origin: "http://evil.example.com" });
    assert.equal(badOrigin.res.status, 403);
    assert.match(badOrigin.json.error.message, /MCP_ALLOWED_ORIGINS/);
    assert.equal(calls.length, 0);
    assert.equal((await mcpRequest(app, "ping", {}, { Host: "localhost:48012" })).res.status, 200);
    assert.equal((await mcpRequest(app, "ping", {}, { Host: "[::1]:48012" })).res.status, 200);
    assert.equal((await mcpRequest(app, "ping", {}, { Origin: "http://localhost:6274" })).res.status, 200);
  });

  it("the allow-lists admit configured names", async () => {
    const { app } = appWith({
      MCP_ALLOWED_HOSTS: "mcp.internal",
      MCP_ALLOWED_ORIGINS: "https://app.example.com",
    });
    assert.equal((await mcpRequest(app, "ping", {}, { Host: "mcp.internal:8080" })).res.status, 200);
    assert.equal((await mcpRequest(app, "ping", {}, { Host: "other.internal" })).res.status, 403);
    const origin = { Host: "mcp.internal", Origin: "https://app.example.com" };
    assert.equal((await mcpRequest(app, "ping", {}, origin)).res.status, 200);
    const otherOrigin = { Host: "mcp.internal", Origin: "https://evil.example.com" };
    assert.equal((await mcpRequest(app, "ping", {}, otherOrigin)).res.status, 403);
  });
});

describe("body and JSON-RPC checks", () => {
  const big = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(4_000) } });

  it("413 for a body over MCP_MAX_BODY_BYTES, by Content-Length and when streamed (chunked) without one", async () => {
    const { app } = appWith({ MCP_MAX_BODY_BYTES: "2048" });
    const declared = await app.request(rawPost(big));
    assert.equal(declared.status, 413);
    assert.match(((await declared.json()) as RpcError).error.message, /MCP_MAX_BODY_BYTES/);
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < bytes.length; i += 500) ctl.enqueue(bytes.slice(i, i + 500));
        ctl.close();
      },
    });
    const chunked = await app.request(rawPost(stream, {}, { duplex: "half" } as RequestInit));
    assert.equal(chunked.status, 413);
  });

  it("413 when Content-Length understates the body", async () => {
    const { app } = appWith({ MCP_MAX_BODY_BYTES: "2048" });
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(bytes);
        ctl.close();
      },
    });
    const lying = await app.request(
      rawPost(stream, { "Content-Length": "100" }, { duplex: "half" } as RequestInit),
    );
    assert.equal(lying.status, 413);
  });

  it("malformed JSON and a body the SDK's JSON-RPC schema refuses are 400 -32700 as the SDK gives them; an empty batch -32600", async () => {
    const { app, calls } = appWith();
    const bad = await app.request(rawPost('{"jsonrpc":"2.0",'));
    assert.equal(bad.status, 400);
    assert.deepEqual(((await bad.json()) as RpcError).error, {
      code: -32700,
      message: "Parse error: Invalid JSON",
    });
    for (const body of ['{"hello":"world"}', '{"jsonrpc":"1.0","id":1,"method":"ping"}', "42"]) {
      const invalid = await app.request(rawPost(body));
      assert.equal(invalid.status, 400, body);
      assert.deepEqual(
        ((await invalid.json()) as RpcError).error,
        { code: -32700, message: "Parse error: Invalid JSON-RPC message" },
        body,
      );
    }
    const empty = await app.request(rawPost("[]"));
    assert.equal(empty.status, 400);
    assert.equal(((await empty.json()) as RpcError).error.code, -32600);
    assert.equal(calls.length, 0);
  });

  it("415 for a body that is not declared as JSON", async () => {
    const { app } = appWith();
    const res = await app.request(rawPost("{}", { "Content-Type": "text/plain" }));
    assert.equal(res.status, 415);
  });
});

describe("streamable HTTP answers, as the SDK transport gives them", () => {
  const rpc = (id: number | string, method: string, params: unknown = {}) => ({
    jsonrpc: "2.0",
    id,
    method,
    params,
  });

  it("406 unless Accept lists both application/json and text/event-stream", async () => {
    const { app, calls } = appWith();
    for (const accept of ["application/json", "text/event-stream", "*/*"]) {
      const res = await app.request(rawPost(JSON.stringify(rpc(1, "ping")), { Accept: accept }));
      assert.equal(res.status, 406, accept);
      assert.match(
        ((await res.json()) as RpcError).error.message,
        /Accept: application\/json, text\/event-stream/,
      );
    }
    assert.equal(calls.length, 0);
  });

  it("400 for an unknown MCP-Protocol-Version; known ones, none, and initialize with any pass", async () => {
    const { app } = appWith();
    const unknown = await app.request(
      rawPost(JSON.stringify(rpc(1, "tools/call", callLookup)), { "MCP-Protocol-Version": "1999-01-01" }),
    );
    assert.equal(unknown.status, 400);
    assert.match(
      ((await unknown.json()) as RpcError).error.message,
      /1999-01-01.*supported versions: .*2025-06-18/,
    );
    for (const version of ["2025-11-25", "2025-06-18", "2025-03-26", undefined]) {
      const headers: Record<string, string> = version ? { "MCP-Protocol-Version": version } : {};
      const res = await app.request(rawPost(JSON.stringify(rpc(2, "ping")), headers));
      assert.equal(res.status, 200, String(version));
    }
    const init = await app.request(
      rawPost(
        JSON.stringify(
          rpc(3, "initialize", {
            protocolVersion: "2025-06-18",
            capabilities: {},
            clientInfo: { name: "t", version: "1" },
          }),
        ),
        { "MCP-Protocol-Version": "1999-01-01" },
      ),
    );
    assert.equal(init.status, 200);
    assert.equal(
      ((await init.json()) as { result: { protocolVersion: string } }).result.protocolVersion,
      "2025-06-18",
    );
  });

  it("202 with no body for notifications only, without a bus call", async () => {
    const { app, calls } = appWith();
    const res = await app.request(
      rawPost(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })),
    );
    assert.equal(res.status, 202);
    assert.equal(await res.text(), "");
    assert.equal(calls.length, 0);
  });

  it("a batch gets an array with each caller id, a batch of one request beside a notification too", async () => {
    const { app, calls } = appWith();
    const batch = await app.request(
      rawPost(
        JSON.stringify([
          rpc("a", "tools/call", callLookup),
          rpc(7, "ping"),
          { jsonrpc: "2.0", method: "notifications/initialized" },
        ]),
      ),
    );
    assert.equal(batch.status, 200);
    const replies = (await batch.json()) as Array<{ id: unknown; result: Record<string, unknown> }>;
    assert.deepEqual(
      replies.map((r) => r.id),
      ["a", 7],
    );
    assert.deepEqual(replies[0]?.result.structuredContent, aaplLookup());
    assert.deepEqual(replies[1]?.result, {});
    assert.equal(calls.length, 1);
    const single = await app.request(
      rawPost(JSON.stringify([rpc(9, "ping"), { jsonrpc: "2.0", method: "notifications/initialized" }])),
    );
    assert.deepEqual(await single.json(), [{ jsonrpc: "2.0", id: 9, result: {} }]);
  });

  it("400 -32600 for initialize inside a batch, -32700 (the SDK's answer) for params that are not an object", async () => {
    const { app, calls } = appWith();
    const init = rpc(1, "initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "t", version: "1" },
    });
    for (const [body, code] of [
      [[init, rpc(2, "ping")], -32600],
      [rpc(3, "tools/call", ["lookup_contract"]), -32700],
      [rpc(4, "ping", "x"), -32700],
    ] as const) {
      const res = await app.request(rawPost(JSON.stringify(body)));
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(((await res.json()) as RpcError).error.code, code);
    }
    assert.equal(calls.length, 0);
  });

  it("a client's notifications/cancelled cannot cancel another agent's request that got the same internal id", async () => {
    const fake = createFakeBus(async () => {
      await new Promise((r) => setTimeout(r, 150));
      return aaplLookup();
    });
    const { app } = createGatewayApp({ bus: fake.bus, env: env(), logger });
    const slow = app.request(rawPost(JSON.stringify(rpc(42, "tools/call", callLookup))));
    await new Promise((r) => setTimeout(r, 30));
    // the server numbers requests from 1; a cancel naming ids 1..5 must not reach the running one
    const cancels = [1, 2, 3, 4, 5].map((requestId) => ({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId, reason: "test" },
    }));
    const cancelled = await app.request(rawPost(JSON.stringify(cancels)));
    assert.equal(cancelled.status, 202);
    const res = await slow;
    const reply = (await res.json()) as { id: number; result: { structuredContent: unknown } };
    assert.equal(reply.id, 42);
    assert.deepEqual(reply.result.structuredContent, aaplLookup());
  });

  it("agents that all use id 1 at the same time each get their own answer", async () => {
    const fake = createFakeBus(async ({ args }) => {
      await new Promise((r) => setTimeout(r, Math.random() * 15));
      return aaplLookup((args as { symbol: string }).symbol);
    });
    const { app } = createGatewayApp({ bus: fake.bus, env: env(), logger });
    const symbols = Array.from({ length: 30 }, (_, i) => `S${i}`);
    const replies = await Promise.all(
      symbols.map(async (symbol) => {
        const res = await app.request(
          rawPost(JSON.stringify(rpc(1, "tools/call", { name: "lookup_contract", arguments: { symbol } }))),
        );
        return (await res.json()) as { id: unknown; result: { structuredContent: { symbol: string } } };
      }),
    );
    replies.forEach((r, i) => {
      assert.equal(r.id, 1);
      assert.equal(r.result.structuredContent.symbol, symbols[i]);
    });
  });
});

describe("HTTP surface", () => {
  it("GET and DELETE /mcp answer 405 with Allow: POST", async () => {
    const { app } = appWith();
    for (const method of ["GET", "DELETE"]) {
      const res = await app.request("/mcp", { method, headers: { Host: "127.0.0.1" } });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get("allow"), "POST");
    }
  });

  it("never compresses and never hands out a session id", async () => {
    const { app } = appWith();
    const r = await mcpRequest(app, "tools/call", callLookup, { "Accept-Encoding": "gzip, deflate, br" });
    assert.equal(r.res.status, 200);
    assert.equal(r.res.headers.get("content-encoding"), null);
    assert.equal(r.res.headers.get("mcp-session-id"), null);
    assert.equal(r.json.result.structuredContent.symbol, "AAPL");
  });

  it("/health is up whatever the bus says", async () => {
    const { app, state } = appWith();
    state.alive = false;
    const res = await app.request("/health");
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ok" });
  });

  it("/ready follows the bus ping, and caches it", async () => {
    const { app, state } = appWith();
    const up = await app.request("/ready");
    assert.equal(up.status, 200);
    assert.deepEqual(await up.json(), { ready: true, mode: "paper" });
    state.alive = false;
    await Promise.all(Array.from({ length: 20 }, () => app.request("/ready")));
    assert.equal(state.pings, 1, "answers within the cache period reuse the first ping");
    await new Promise((r) => setTimeout(r, 250));
    const down = await app.request("/ready");
    assert.equal(down.status, 503);
    assert.deepEqual(await down.json(), { ready: false, mode: "paper" });
  });

  it("/metrics exposes requests, latency, tool calls, errors, round trips and in-flight", async () => {
    const { app } = appWith();
    await mcpRequest(app, "tools/call", callLookup);
    await mcpRequest(app, "tools/call", { name: "lookup_contract", arguments: {} });
    const res = await app.request("/metrics");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
    const text = await res.text();
    assert.match(text, /ib_mcp_http_requests_total\{route="\/mcp",method="POST",status="200"\} 2/);
    assert.match(text, /ib_mcp_http_request_duration_seconds_bucket\{le="0.005",route="\/mcp"\}/);
    assert.match(text, /ib_mcp_tool_calls_total\{tool="lookup_contract",code="OK"\} 1/);
    assert.match(text, /ib_mcp_connector_round_trip_seconds_count\{tool="lookup_contract"\} 1/);
    assert.match(text, /ib_mcp_http_requests_in_flight 1/);
    assert.match(text, /ib_mcp_gateway_process_resident_memory_bytes/);
  });
});
