import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { GatewayEnv, parseEnv } from "../shared/config.ts";
import { createGatewayApp } from "./app.ts";
import { createFakeBus, type RecordedCall } from "./testing/fake-bus.ts";

const logger = pino({ level: "silent" });

function post(body: unknown, signal: AbortSignal): Request {
  return new Request("http://127.0.0.1:48012/mcp", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
    body: JSON.stringify(body),
    signal,
  });
}

describe("a client that hangs up", () => {
  it("cancels its tool call: the bus hears onCancel at once, not at the deadline, and the mux lets go", async () => {
    let cancelledAt = 0;
    const started: RecordedCall[] = [];
    const fake = createFakeBus((call) => {
      started.push(call);
      call.ctx.onCancel?.(() => {
        cancelledAt = Date.now();
      });
      return new Promise(() => {}); // a call that would only end at its deadline
    });
    const env = parseEnv(GatewayEnv, { LOG_LEVEL: "silent", MCP_REQUEST_TIMEOUT_MS: "20000" });
    const { app, close } = createGatewayApp({ bus: fake.bus, env, logger });
    const client = new AbortController();
    const call = {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "get_quote", arguments: { symbols: ["AAPL"] } },
    };
    const answer = Promise.resolve(app.request(post(call, client.signal))).catch(() => undefined);
    for (let i = 0; i < 100 && started.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(started.length, 1, "the call reached the bus");
    assert.equal(typeof started[0]?.ctx.onCancel, "function", "the bus is given a cancellation hook");
    const abortedAt = Date.now();
    client.abort();
    await answer;
    for (let i = 0; i < 100 && cancelledAt === 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(cancelledAt > 0, "the bus heard the cancel");
    assert.ok(cancelledAt - abortedAt < 200, `cancelled ${cancelledAt - abortedAt} ms after the hang-up`);
    await close();
  });
});
