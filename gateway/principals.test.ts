import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { auth, type OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { pino } from "pino";
import { GatewayEnv, parseEnv } from "../shared/config.ts";
import { createGatewayApp } from "./app.ts";
import { aaplLookup, createFakeBus } from "./testing/fake-bus.ts";
import { mcpRequest } from "./testing/mcp-request.ts";

const logger = pino({ level: "silent" });
const sha = (t: string) => createHash("sha256").update(t).digest("hex");
const file = (extra = "") => `principals:
  - name: research
    token_sha256: ${sha("research-token")}
    scopes: [read]
  - name: trader
    token_sha256: ${sha("trader-token")}
    scopes: [read, trade]
  - name: pusher
    token_sha256: ${sha("pusher-token")}
    scopes: [trade]
${extra}`;

function appWith(vars: Record<string, string>, files: Record<string, string> = {}) {
  const fake = createFakeBus(() => aaplLookup());
  const env = parseEnv(GatewayEnv, { LOG_LEVEL: "silent", ...vars });
  const readFile = (path: string) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error("missing"), { code: "ENOENT" });
    return text;
  };
  return { ...fake, ...createGatewayApp({ bus: fake.bus, env, logger, readFile }) };
}
const as = (token: string) => ({ Authorization: `Bearer ${token}` });
const toolNames = (json: { result: { tools: Array<{ name: string }> } }) =>
  json.result.tools.map((t) => t.name);

describe("principals and scopes", () => {
  it("tools/list shows each principal only what its scopes allow", async () => {
    const { app } = appWith({ MCP_PRINCIPALS: file(), MCP_ENABLE_TRADING: "true" });
    const research = toolNames((await mcpRequest(app, "tools/list", {}, as("research-token"))).json);
    const trader = toolNames((await mcpRequest(app, "tools/list", {}, as("trader-token"))).json);
    const pusher = toolNames((await mcpRequest(app, "tools/list", {}, as("pusher-token"))).json);
    assert.ok(research.includes("lookup_contract"));
    assert.ok(!research.includes("place_order") && !research.includes("preview_order"));
    assert.ok(
      trader.includes("place_order") &&
        trader.includes("preview_order") &&
        trader.includes("lookup_contract"),
    );
    assert.ok(pusher.includes("place_order") && !pusher.includes("lookup_contract"));
  });

  it("a call outside the caller's scopes is FORBIDDEN naming the scope, and never reaches the bus", async () => {
    const { app, calls } = appWith({ MCP_PRINCIPALS: file(), MCP_ENABLE_TRADING: "true" });
    const { json } = await mcpRequest(
      app,
      "tools/call",
      { name: "place_order", arguments: { token: "x" } },
      as("research-token"),
    );
    assert.equal(json.result.isError, true);
    assert.match(
      json.result.content[0].text,
      /^FORBIDDEN: place_order needs the "trade" scope, and principal "research" does not have it/,
    );
    assert.equal(json.result._meta["ib-mcp/error"].code, "FORBIDDEN");
    assert.equal(json.result._meta["ib-mcp/error"].retryable, false);
    assert.equal(calls.length, 0);
  });

  it("live order tools need `live` on a live URL; `trade` is not enough", async () => {
    const { app } = appWith({
      MCP_PRINCIPALS: file(),
      MCP_ENABLE_TRADING: "true",
      GATEWAY_ALLOW_LIVE: "true",
      GATEWAY_ALLOW_LIVE_TRADING: "true",
    });
    const paper = toolNames((await mcpRequest(app, "tools/list", {}, as("trader-token"), "/mcp/paper")).json);
    const live = toolNames((await mcpRequest(app, "tools/list", {}, as("trader-token"), "/mcp/live")).json);
    assert.ok(paper.includes("place_order"));
    assert.ok(!live.includes("place_order") && live.includes("lookup_contract"));
    const { json } = await mcpRequest(
      app,
      "tools/call",
      { name: "cancel_order", arguments: { order_id: 1 } },
      as("trader-token"),
      "/mcp/live",
    );
    assert.match(json.result.content[0].text, /^FORBIDDEN: cancel_order needs the "live" scope/);
  });

  it("the bus gets the authenticated name: an agent's X-Principal header or _meta changes nothing", async () => {
    const { app, calls } = appWith({ MCP_PRINCIPALS: file() });
    const { json } = await mcpRequest(
      app,
      "tools/call",
      {
        name: "lookup_contract",
        arguments: { symbol: "AAPL" },
        _meta: { principal: "trader", "X-Principal": "trader" },
      },
      { ...as("research-token"), "X-Principal": "trader" },
    );
    assert.equal(json.result.structuredContent.symbol, "AAPL");
    assert.equal(calls[0]?.ctx.principal, "research");
  });

  it("without any auth configured every caller is `anonymous`", async () => {
    const { app, calls } = appWith({});
    await mcpRequest(
      app,
      "tools/call",
      { name: "lookup_contract", arguments: { symbol: "AAPL" } },
      { "X-Principal": "boss" },
    );
    assert.equal(calls[0]?.ctx.principal, "anonymous");
  });

  it("resources and prompts need `read`: empty lists and FORBIDDEN reads without it", async () => {
    const { app, calls } = appWith({ MCP_PRINCIPALS: file(), MCP_ENABLE_TRADING: "true" });
    const list = await mcpRequest(app, "resources/list", {}, as("pusher-token"));
    assert.deepEqual(list.json.result.resources, []);
    assert.deepEqual((await mcpRequest(app, "prompts/list", {}, as("pusher-token"))).json.result.prompts, []);
    const read = await mcpRequest(app, "resources/read", { uri: "ib://orders/open" }, as("pusher-token"));
    assert.equal(read.json.error.data.code, "FORBIDDEN");
    assert.match(read.json.error.message, /^FORBIDDEN: resources\/read needs the "read" scope/);
    assert.equal(calls.length, 0);
    const allowed = await mcpRequest(app, "resources/list", {}, as("research-token"));
    assert.ok(allowed.json.result.resources.some((r: { uri: string }) => r.uri === "ib://orders/open"));
  });
});

describe("reloading the principals", () => {
  it("a reload adds a principal; a bad file keeps the old set and says why without a token", async () => {
    const files: Record<string, string> = { "/p.yaml": file() };
    const { app, auth: gatewayAuth } = appWith({ MCP_PRINCIPALS_FILE: "/p.yaml" }, files);
    assert.equal((await mcpRequest(app, "ping", {}, as("ops-token"))).res.status, 401);
    files["/p.yaml"] = file(`  - name: ops\n    token_sha256: ${sha("ops-token")}\n    scopes: [read]\n`);
    gatewayAuth.reload();
    assert.equal((await mcpRequest(app, "ping", {}, as("ops-token"))).res.status, 200);
    files["/p.yaml"] = "principals: [{name: broken, scopes: [root]}]";
    assert.throws(() => gatewayAuth.reload(), /^ConfigError: MCP_PRINCIPALS_FILE: principals.0.scopes.0/);
    assert.equal((await mcpRequest(app, "ping", {}, as("ops-token"))).res.status, 200, "the old set stays");
    files["/p.yaml"] = "principals: []";
    assert.throws(() => gatewayAuth.reload(), /would open a gateway that required one/);
    assert.equal((await mcpRequest(app, "ping", {}, as("research-token"))).res.status, 200);
  });
});

describe("a gateway without OAuth tells OAuth clients to send a static token", () => {
  it("the discovery paths and POST /register answer 404 with the plain instructions", async () => {
    const { app } = appWith({ MCP_AUTH_TOKENS: "tok" });
    for (const path of [
      "/.well-known/oauth-protected-resource",
      "/.well-known/oauth-protected-resource/mcp",
      "/.well-known/oauth-authorization-server",
      "/.well-known/openid-configuration",
    ]) {
      const res = await app.request(path);
      assert.equal(res.status, 404, path);
      assert.match(
        ((await res.json()) as { error_description: string }).error_description,
        /static bearer tokens.*Authorization: Bearer <token>/,
      );
    }
    const reg = await app.request("/register", { method: "POST", body: "{}" });
    assert.equal(reg.status, 404);
    assert.match(await reg.text(), /--header \\"Authorization: Bearer <token>\\"/);
  });

  it("the MCP SDK's own OAuth flow, started by the 401, ends at that message", async () => {
    const { app } = appWith({ MCP_AUTH_TOKENS: "tok" });
    const provider: OAuthClientProvider = {
      redirectUrl: "http://127.0.0.1:1/callback",
      clientMetadata: { redirect_uris: ["http://127.0.0.1:1/callback"], client_name: "probe" },
      clientInformation: () => undefined,
      saveClientInformation: () => undefined,
      tokens: () => undefined,
      saveTokens: () => undefined,
      redirectToAuthorization: () => undefined,
      saveCodeVerifier: () => undefined,
      codeVerifier: () => "v",
    };
    const fetchFn = async (url: string | URL, init?: RequestInit) => app.fetch(new Request(url, init));
    await assert.rejects(
      auth(provider, { serverUrl: "http://127.0.0.1:48012/mcp", fetchFn }),
      /This server takes static bearer tokens, not OAuth: send the header "Authorization: Bearer <token>"/,
    );
  });
});
