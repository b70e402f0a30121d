import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { GatewayEnv, parseEnv } from "../shared/config.ts";
import { createGatewayApp } from "./app.ts";
import { aaplLookup, createFakeBus } from "./testing/fake-bus.ts";
import { mcpRequest } from "./testing/mcp-request.ts";

const logger = pino({ level: "silent" });
const env = (extra: Record<string, string> = {}) => parseEnv(GatewayEnv, { LOG_LEVEL: "silent", ...extra });
const lookup = { name: "lookup_contract", arguments: { symbol: "AAPL" } };

describe("modes by URL", () => {
  it("/mcp serves the default mode and /mcp/paper names it", async () => {
    const { bus, calls } = createFakeBus(() => aaplLookup());
    const { app } = createGatewayApp({ bus, env: env(), logger });
    await mcpRequest(app, "tools/call", lookup);
    await mcpRequest(app, "tools/call", lookup, {}, "/mcp/paper");
    assert.deepEqual(
      calls.map((c) => c.mode),
      ["paper", "paper"],
    );
  });

  it("/mcp/live is refused, naming GATEWAY_ALLOW_LIVE, until the operator allows live", async () => {
    const { bus, calls } = createFakeBus(() => aaplLookup());
    const { app } = createGatewayApp({ bus, env: env(), logger });
    const { res, text } = await mcpRequest(app, "tools/call", lookup, {}, "/mcp/live");
    assert.equal(res.status, 404);
    assert.match(text, /GATEWAY_ALLOW_LIVE=true/);
    assert.equal(calls.length, 0, "nothing reached a connector");
  });

  it("with GATEWAY_ALLOW_LIVE both modes are served side by side by one gateway", async () => {
    const { bus, calls } = createFakeBus(() => aaplLookup());
    const { app } = createGatewayApp({ bus, env: env({ GATEWAY_ALLOW_LIVE: "true" }), logger });
    const live = await mcpRequest(app, "tools/call", lookup, {}, "/mcp/live");
    assert.equal(live.json.result.structuredContent.contracts[0].conId, 265598);
    await mcpRequest(app, "tools/call", lookup, {}, "/mcp/paper");
    assert.deepEqual(
      calls.map((c) => c.mode),
      ["live", "paper"],
    );
  });

  it("an unknown mode is a 404 that lists the served URLs; GET on a mode URL is 405", async () => {
    const { bus } = createFakeBus(() => aaplLookup());
    const { app } = createGatewayApp({ bus, env: env(), logger });
    const { res, text } = await mcpRequest(app, "tools/list", {}, {}, "/mcp/demo");
    assert.equal(res.status, 404);
    assert.match(text, /\/mcp\/paper/);
    const get = await app.request("/mcp/paper", { headers: { Host: "127.0.0.1:48012" } });
    assert.equal(get.status, 405);
  });

  it("auth guards the mode URLs too", async () => {
    const { bus, calls } = createFakeBus(() => aaplLookup());
    const { app } = createGatewayApp({ bus, env: env(), logger, tokens: ["s3cret-token-value"] });
    const { res } = await mcpRequest(app, "tools/call", lookup, {}, "/mcp/paper");
    assert.equal(res.status, 401);
    assert.equal(calls.length, 0);
  });
});
