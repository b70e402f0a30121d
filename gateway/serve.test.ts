import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { ConfigError, GatewayEnv, parseEnv } from "../shared/config.ts";
import { createGatewayApp } from "./app.ts";
import { serveGateway } from "./serve.ts";
import { aaplLookup, createFakeBus } from "./testing/fake-bus.ts";

const logger = pino({ level: "silent" });
const env = parseEnv(GatewayEnv, { LOG_LEVEL: "silent", PORT: "0" });
const call = (url: string, symbol: string) =>
  fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "lookup_contract", arguments: { symbol } },
    }),
    signal: AbortSignal.timeout(5_000),
  });

describe("serveGateway", () => {
  it("close() lets an in-flight call finish and then refuses new connections", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const { bus, calls } = createFakeBus(async ({ args }) => {
      await gate;
      return aaplLookup((args as { symbol: string }).symbol);
    });
    const { app } = createGatewayApp({ bus, env, logger });
    const served = await serveGateway(app, env, logger, { drainMs: 3_000 });
    const inFlight = call(served.url, "SLOW");
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    const closing = served.close();
    setTimeout(release, 100);
    const res = await inFlight;
    assert.equal(res.status, 200);
    const json = (await res.json()) as { result: { structuredContent: { symbol: string } } };
    assert.equal(json.result.structuredContent.symbol, "SLOW");
    await closing;
    await assert.rejects(call(served.url, "LATE"));
  });

  it("a port in use is a ConfigError naming PORT", async () => {
    const { bus } = createFakeBus(() => aaplLookup());
    const { app } = createGatewayApp({ bus, env, logger });
    const first = await serveGateway(app, env, logger);
    try {
      await assert.rejects(
        serveGateway(app, { HOST: "127.0.0.1", PORT: first.port }, logger),
        (e: unknown) => e instanceof ConfigError && /PORT=/.test(e.message) && /EADDRINUSE/.test(e.message),
      );
    } finally {
      await first.close();
    }
  });
});
