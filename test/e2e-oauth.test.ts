/**
 * The gateway as an OAuth 2.1 resource server, end to end: a real OpenID provider (oidc-provider) on 127.0.0.1, the
 * real gateway process, nats-server, connector and simulator, and the MCP SDK client running its own
 * client-credentials flow from the gateway's 401 (RFC 9728 metadata → provider → token with a resource indicator).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { decodeJwt, generateKeyPair, SignJWT } from "jose";
import { freePort } from "./support/free-port.ts";
import { type OidcProviderHandle, startOidcProvider } from "./support/oidc-provider.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { type NatsStack, startNatsStack, textOf, waitForOk } from "./support/stack.ts";

const research = { clientId: "research-bot", secret: "research-secret", scope: "ib:read" };
const noScope = { clientId: "no-scope-bot", secret: "no-scope-secret", scope: "" };
const shortLived = { clientId: "short-bot", secret: "short-secret", scope: "ib:read", ttlS: 1 };

describe("OAuth access tokens from a real OpenID provider", { timeout: 180_000 }, () => {
  let idp: OidcProviderHandle;
  let stack: NatsStack;
  let gateway: CliProcess;
  let base: string;
  let resource: string;

  before(async () => {
    idp = await startOidcProvider([research, shortLived, noScope]);
    // the connector logs each call's principal at debug: that line proves X-Principal arrived
    stack = await startNatsStack({ clientId: "71", gateways: 0, connectorEnv: { LOG_LEVEL: "debug" } });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    resource = `${base}/mcp`;
    gateway = spawnCli("gateway", [], {
      NATS_URL: stack.nats.url,
      PORT: String(port),
      MCP_OAUTH_ISSUER: idp.issuer,
      MCP_OAUTH_AUDIENCE: resource,
      MCP_OAUTH_CLOCK_SKEW_S: "0",
    });
    await waitForOk(`${base}/ready`, 30_000);
  });
  after(async () => {
    await gateway?.stop();
    await stack?.stop();
    await idp?.stop();
  });

  const post = (token?: string) =>
    fetch(`${base}/mcp`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
    });

  it("serves RFC 9728 metadata that points at the provider, and a 401 that points at the metadata", async () => {
    const meta = (await (await fetch(`${base}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(meta.resource, resource);
    assert.deepEqual(meta.authorization_servers, [idp.issuer]);
    assert.deepEqual(meta.scopes_supported, ["ib:read", "ib:trade", "ib:live"]);
    assert.deepEqual(meta.bearer_methods_supported, ["header"]);
    const res = await post();
    assert.equal(res.status, 401);
    assert.match(
      res.headers.get("www-authenticate") ?? "",
      new RegExp(
        `^Bearer realm="ib-mcp", resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
      ),
    );
  });

  it("the SDK client gets a token by client credentials and calls; the connector sees the token's principal", async () => {
    const client = new Client({ name: "oauth-e2e", version: "1.0.0" });
    const authProvider = new ClientCredentialsProvider({
      clientId: research.clientId,
      clientSecret: research.secret,
      // the SDK sends this scope in the token request (it does not take scopes_supported for this grant)
      scope: "ib:read ib:trade ib:live",
      expectedIssuer: idp.issuer,
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { authProvider }));
    const token = authProvider.tokens()?.access_token ?? "";
    assert.equal(decodeJwt(token).aud, resource, "the SDK asked for this resource");
    assert.equal(decodeJwt(token).scope, "ib:read", "the provider granted what this client may have");
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === "lookup_contract"));
    const found = await client.callTool({ name: "lookup_contract", arguments: { symbol: "AAPL" } });
    assert.equal(found.isError, undefined, textOf(found));
    // a refusal makes the connector log the call with its principal
    const missing = await client.callTool({ name: "lookup_contract", arguments: { symbol: "NOSUCHSYM" } });
    assert.match(textOf(missing), /^NOT_FOUND/);
    await stack.connector.waitFor(
      /"principal":"research-bot"[^\n]*"tool":"lookup_contract"|"tool":"lookup_contract"[^\n]*"principal":"research-bot"/,
      10_000,
    );
    await client.close();
  });

  const refusedWith = async (token: string, why: RegExp) => {
    const res = await post(token);
    assert.equal(res.status, 401);
    const challenge = res.headers.get("www-authenticate") ?? "";
    assert.match(challenge, /error="invalid_token"/);
    assert.match(challenge, /resource_metadata="/);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, why);
  };

  it("refuses an expired token", async () => {
    const token = await idp.token(shortLived, resource, "ib:read");
    assert.equal((await post(token)).status, 200, "fresh, it is accepted");
    await new Promise((r) => setTimeout(r, 2_500));
    await refusedWith(token, /expired/);
  });

  it("refuses a token signed with another key, even one that claims the provider's key id", async () => {
    const genuine = decodeJwt(await idp.token(research, resource, "ib:read"));
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT(genuine)
      .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: idp.kid })
      .sign(privateKey);
    await refusedWith(forged, /signature/);
  });

  it("answers a valid token that grants none of the gateway's scopes with 403 insufficient_scope", async () => {
    const res = await post(await idp.token(noScope, resource, "ib:read"));
    assert.equal(res.status, 403);
    assert.match(res.headers.get("www-authenticate") ?? "", /error="insufficient_scope", scope="ib:read"/);
  });

  it("refuses a token for another audience", async () => {
    const token = await idp.token(research, "https://other.example/api", "ib:read");
    assert.equal(decodeJwt(token).aud, "https://other.example/api");
    await refusedWith(token, /not for this server/);
  });
});
