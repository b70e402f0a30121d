import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { pino } from "pino";
import { GatewayEnv, parseEnv } from "../shared/config.ts";
import { Headers } from "../shared/subjects.ts";
import { encodeError, encodeResult } from "../shared/wire.ts";
import { type NatsServerHandle, startNatsServer } from "../test/support/nats-server.ts";
import { createGatewayApp } from "./app.ts";
import { createNatsBus } from "./bus/nats-bus.ts";
import { ERROR_META_KEY } from "./mcp/tool-result.ts";
import { aaplLookup } from "./testing/fake-bus.ts";
import { mcpRequest } from "./testing/mcp-request.ts";

describe("gateway app over a real nats-server", () => {
  let server: NatsServerHandle;
  let gatewayNc: NatsConnection;
  let responderNc: NatsConnection;
  const received: Array<{ subject: string; requestId?: string; timeoutMs?: string; body: unknown }> = [];

  before(async () => {
    server = await startNatsServer({ jetstream: false });
    gatewayNc = await connect({ servers: server.url, timeout: 5_000 });
    responderNc = await connect({ servers: server.url, timeout: 5_000 });
    responderNc.subscribe("ib.paper.>", {
      callback: (_err, msg) => {
        const requestId = msg.headers?.get(Headers.requestId);
        received.push({
          subject: msg.subject,
          requestId,
          timeoutMs: msg.headers?.get(Headers.timeoutMs),
          body: msg.json(),
        });
        if (msg.subject === "ib.paper.lookup_contract") msg.respond(encodeResult(aaplLookup()));
        else
          msg.respond(
            encodeError({
              code: "IB_UNAVAILABLE",
              message: "IB Gateway is restarting",
              retryable: true,
              requestId,
            }),
          );
      },
    });
    await responderNc.flush();
  });

  after(async () => {
    await gatewayNc?.close();
    await responderNc?.close();
    await server?.stop();
  });

  it("the request id and deadline travel to the connector and the request id comes back in errors", async () => {
    const env = parseEnv(GatewayEnv, { LOG_LEVEL: "silent", MCP_REQUEST_TIMEOUT_MS: "3000" });
    const { app } = createGatewayApp({
      bus: createNatsBus(gatewayNc),
      env,
      logger: pino({ level: "silent" }),
    });

    const ok = await mcpRequest(
      app,
      "tools/call",
      { name: "lookup_contract", arguments: { symbol: "AAPL" } },
      { "X-Request-Id": "through-nats-1" },
    );
    assert.deepEqual(ok.json.result.structuredContent, aaplLookup());
    const first = received.at(-1);
    assert.equal(first?.subject, "ib.paper.lookup_contract");
    assert.equal(first?.requestId, "through-nats-1");
    assert.ok(Number(first?.timeoutMs) > 2_000 && Number(first?.timeoutMs) < 3_000, first?.timeoutMs);
    assert.deepEqual(first?.body, { symbol: "AAPL", sec_type: "STK", exchange: "SMART", currency: "USD" });

    const failed = await mcpRequest(
      app,
      "tools/call",
      { name: "get_positions", arguments: {} },
      { "X-Request-Id": "through-nats-2" },
    );
    assert.equal(received.at(-1)?.requestId, "through-nats-2");
    assert.equal(failed.json.result.isError, true);
    assert.equal(failed.json.result._meta[ERROR_META_KEY].code, "IB_UNAVAILABLE");
    assert.match(
      failed.json.result.content[0].text,
      /^IB_UNAVAILABLE: IB Gateway is restarting .*\(request id through-nats-2\)$/s,
    );

    const ready = await app.request("/ready");
    assert.equal(ready.status, 200, "a connector that answered recently is ready");
  });
});
