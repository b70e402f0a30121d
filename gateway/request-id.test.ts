import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { GatewayEnv, parseEnv } from "../shared/config.ts";
import { createGatewayApp } from "./app.ts";
import { aaplLookup, createFakeBus } from "./testing/fake-bus.ts";
import { mcpRequest } from "./testing/mcp-request.ts";

const env = () => parseEnv(GatewayEnv, { LOG_LEVEL: "silent" });
const logger = pino({ level: "silent" });
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("X-Request-Id at the gateway", () => {
  const call = async (id: string) => {
    const { bus, calls } = createFakeBus(() => aaplLookup());
    const { app } = createGatewayApp({ bus, env: env(), logger });
    const { res } = await mcpRequest(
      app,
      "tools/call",
      { name: "lookup_contract", arguments: { symbol: "AAPL" } },
      { "X-Request-Id": id },
    );
    return { echoed: res.headers.get("x-request-id") ?? "", sent: calls[0]?.ctx.requestId };
  };

  it("keeps a plain id of up to 128 characters, back to the caller and on to the connector", async () => {
    const id = `agent-${"a".repeat(122)}`;
    assert.deepEqual(await call(id), { echoed: id, sent: id });
  });

  it("replaces a 5,000-character id with a fresh one instead of echoing it", async () => {
    const { echoed, sent } = await call("a".repeat(5_000));
    assert.match(echoed, uuid);
    assert.equal(sent, echoed, "the connector gets the fresh id too");
  });

  it("replaces an id with characters outside letters, digits, '_', '-' and '='", async () => {
    for (const id of ["a b", "id;drop", "id%0d%0aX-Injected: 1", "ïd"])
      assert.match((await call(id)).echoed, uuid, id);
  });
});
