/**
 * Principals and scopes through real processes: nats-server, the simulator, one connector and two gateway
 * replicas reading one MCP_PRINCIPALS_FILE, with the MCP SDK client over HTTP.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { mcpClient, type NatsStack, startNatsStack, textOf } from "./support/stack.ts";

const sha = (t: string) => createHash("sha256").update(t).digest("hex");
const entry = (name: string, token: string, scopes: string) =>
  `  - name: ${name}\n    token_sha256: ${sha(token)}\n    scopes: [${scopes}]\n`;
const bearer = (token: string, extra: Record<string, string> = {}) => ({
  Authorization: `Bearer ${token}`,
  ...extra,
});

describe("principals across two gateway replicas", { timeout: 180_000 }, () => {
  let stack: NatsStack;
  let dir: string;
  let file: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ib-mcp-principals-"));
    file = join(dir, "principals.yaml");
    writeFileSync(
      file,
      `principals:\n${entry("research", "research-token", "read")}${entry("trader", "trader-token", "read, trade")}`,
    );
    stack = await startNatsStack({
      clientId: "72",
      gateways: 2,
      // the connector logs each call's principal at debug: that line proves what X-Principal carried
      connectorEnv: { LOG_LEVEL: "debug" },
      gatewayEnv: { MCP_PRINCIPALS_FILE: file, MCP_ENABLE_TRADING: "true", LOG_LEVEL: "info" },
    });
  });
  after(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const url = (i: number) => `${stack.gateways[i]?.base}/mcp?toolsets=all`;

  it("research sees no order tools and is FORBIDDEN to place; trader sees them on the other replica", async () => {
    const research = await mcpClient(url(0), bearer("research-token"));
    const names = (await research.listTools()).tools.map((t) => t.name);
    assert.ok(names.includes("get_historical_data"));
    for (const t of ["preview_order", "place_order", "modify_order", "cancel_order", "cancel_all_orders"])
      assert.ok(!names.includes(t), `${t} is not listed for research`);
    const placed = await research.callTool({ name: "place_order", arguments: { token: "x".repeat(40) } });
    assert.equal(placed.isError, true);
    assert.match(textOf(placed), /^FORBIDDEN: place_order needs the "trade" scope/);
    await research.close();

    const trader = await mcpClient(url(1), bearer("trader-token"));
    const traderNames = (await trader.listTools()).tools.map((t) => t.name);
    assert.ok(traderNames.includes("place_order") && traderNames.includes("preview_order"));
    await trader.close();
  });

  it("the connector sees the authenticated principal, not what the agent's X-Principal header says", async () => {
    const research = await mcpClient(url(1), bearer("research-token", { "X-Principal": "trader" }));
    const missing = await research.callTool({ name: "lookup_contract", arguments: { symbol: "NOSUCHSYM" } });
    assert.match(textOf(missing), /^NOT_FOUND/);
    const line = await stack.connector.waitFor(
      /\{[^\n]*"tool":"lookup_contract"[^\n]*NOSUCHSYM[^\n]*\}|\{[^\n]*NOSUCHSYM[^\n]*"tool":"lookup_contract"[^\n]*\}/,
      10_000,
    );
    assert.match(line[0], /"principal":"research"/);
    await research.close();
  });

  it("SIGHUP adds a principal while a long call in flight completes", async () => {
    const gateway = stack.gateways[0];
    assert.ok(gateway);
    const research = await mcpClient(url(0), bearer("research-token"));
    // real-time bars arrive every 5 s: a call that stays in flight across the reload
    const started = Date.now();
    const long = research.callTool({
      name: "get_realtime_bars",
      arguments: { symbol: "AAPL", bars: 2, max_seconds: 15 },
    });
    await new Promise((r) => setTimeout(r, 500));
    await assert.rejects(mcpClient(url(0), bearer("ops-token")), /Unauthorized/);
    writeFileSync(
      file,
      `principals:\n${entry("research", "research-token", "read")}${entry("trader", "trader-token", "read, trade")}${entry("ops", "ops-token", "read")}`,
    );
    gateway.cli.proc.kill("SIGHUP");
    await gateway.cli.waitFor(/principals reloaded/, 10_000);
    const ops = await mcpClient(url(0), bearer("ops-token"));
    assert.ok((await ops.listTools()).tools.some((t) => t.name === "lookup_contract"));
    await ops.close();
    const result = await long;
    assert.equal(result.isError, undefined, textOf(result));
    assert.ok(Date.now() - started > 1_000, "the call was still running when the file was reloaded");
    await research.close();
  });

  it("a bad file on SIGHUP keeps the set in use and logs why, naming the variable and no token", async () => {
    const gateway = stack.gateways[1];
    assert.ok(gateway);
    writeFileSync(file, "principals:\n  - name: broken\n    scopes: [root]\n");
    gateway.cli.proc.kill("SIGHUP");
    const logged = await gateway.cli.waitFor(/[^\n]*principals not reloaded[^\n]*/, 10_000);
    assert.match(logged[0], /MCP_PRINCIPALS_FILE: principals.0.scopes.0/);
    assert.doesNotMatch(logged[0], /research-token|trader-token/);
    const trader = await mcpClient(url(1), bearer("trader-token"));
    assert.ok((await trader.listTools()).tools.length > 0);
    await trader.close();
  });
});
