import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { GatewayEnv, parseEnv } from "../../shared/config.ts";
import { IbMcpError } from "../../shared/errors.ts";
import { createGatewayApp } from "../app.ts";
import { createFakeBus } from "../testing/fake-bus.ts";
import { mcpRequest } from "../testing/mcp-request.ts";

const logger = pino({ level: "silent" });
const env = parseEnv(GatewayEnv, { LOG_LEVEL: "silent", MCP_REQUEST_TIMEOUT_MS: "5000" });

describe("resources over the bus", () => {
  it("reads a resource by calling its tool with the schema's defaults, the request id and the deadline", async () => {
    const { bus, calls } = createFakeBus(() => ({ symbol: "265598", details: [] }));
    const { app } = createGatewayApp({ bus, env, logger });
    const { json } = await mcpRequest(
      app,
      "resources/read",
      { uri: "ib://contract/265598" },
      { "X-Request-Id": "r-1" },
    );
    assert.deepEqual(json.result.contents, [
      { uri: "ib://contract/265598", mimeType: "application/json", text: '{"symbol":"265598","details":[]}' },
    ]);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.tool, "get_contract_details");
    assert.deepEqual(calls[0]!.args, {
      symbol: "265598",
      sec_type: "STK",
      exchange: "SMART",
      currency: "USD",
    });
    assert.equal(calls[0]!.ctx.requestId, "r-1");
    assert.ok(calls[0]!.ctx.timeoutMs > 4_000 && calls[0]!.ctx.timeoutMs <= 5_000);
  });

  it("answers a failed tool as a JSON-RPC error with the code, the next step and the request id", async () => {
    const { bus } = createFakeBus(() => {
      throw new IbMcpError("CONNECTOR_UNAVAILABLE", "no connector answers for paper");
    });
    const { app } = createGatewayApp({ bus, env, logger });
    const { json } = await mcpRequest(
      app,
      "resources/read",
      { uri: "ib://positions" },
      { "X-Request-Id": "r-2" },
    );
    assert.equal(json.error.code, -32603);
    assert.match(
      json.error.message,
      /^CONNECTOR_UNAVAILABLE: no connector answers for paper .*\(request id r-2\)$/,
    );
    assert.equal(json.error.data.code, "CONNECTOR_UNAVAILABLE");
    assert.equal(json.error.data.requestId, "r-2");
  });

  it("refuses a template variable it cannot use before anything goes on the bus", async () => {
    const { bus, calls } = createFakeBus(() => ({}));
    const { app } = createGatewayApp({ bus, env, logger });
    const { json } = await mcpRequest(app, "resources/read", { uri: "ib://contract/12ab" });
    assert.equal(json.error.code, -32602);
    assert.match(json.error.message, /^INVALID_ARGUMENT: .*numeric IB conId/);
    assert.equal(calls.length, 0);
  });
});

describe("a client that hangs up on a resource read", () => {
  it("cancels the tool call underneath at once, not at the deadline", async () => {
    let cancelled = false;
    let started = false;
    const { bus } = createFakeBus((call) => {
      started = true;
      call.ctx.onCancel?.(() => {
        cancelled = true;
      });
      return new Promise(() => {}); // a call that would only end at its deadline
    });
    const slow = parseEnv(GatewayEnv, { LOG_LEVEL: "silent", MCP_REQUEST_TIMEOUT_MS: "20000" });
    const { app, close } = createGatewayApp({ bus, env: slow, logger });
    const client = new AbortController();
    const req = new Request("http://127.0.0.1:48012/mcp", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "resources/read",
        params: { uri: "ib://positions" },
      }),
      signal: client.signal,
    });
    const answer = Promise.resolve(app.request(req)).catch(() => undefined);
    for (let i = 0; i < 100 && !started; i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(started, "the read reached the bus");
    client.abort();
    await answer;
    for (let i = 0; i < 40 && !cancelled; i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(cancelled, "the bus heard the cancel within 200 ms of the hang-up");
    await close();
  });
});

describe("initialize", () => {
  it("announces tools, resources and prompts, none with listChanged or subscribe", async () => {
    const { bus } = createFakeBus(() => ({}));
    const { app } = createGatewayApp({ bus, env, logger });
    const { json } = await mcpRequest(app, "initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "t", version: "0" },
    });
    assert.deepEqual(json.result.capabilities, { tools: {}, resources: {}, prompts: {} });
  });
});
