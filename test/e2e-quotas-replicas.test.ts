/**
 * Per-principal quotas hold across gateway replicas because the connector enforces them: nats-server, the
 * simulator, one connector and two gateways reading one MCP_PRINCIPALS_FILE, the MCP SDK client over HTTP.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { mcpClient, type NatsStack, startNatsStack, textOf } from "./support/stack.ts";

const sha = (t: string) => createHash("sha256").update(t).digest("hex");
const QUOTA = 4;
const PRINCIPALS = `principals:
  - name: research
    token_sha256: ${sha("research-token")}
    scopes: [read]
    quotas: { calls_per_minute: ${QUOTA} }
  - name: ops
    token_sha256: ${sha("ops-token")}
    scopes: [read]
    weight: 2
`;
type ToolResult = { isError?: boolean; _meta?: Record<string, { code?: string; retryAfterMs?: number }> };

describe("quotas across two gateway replicas", { timeout: 120_000 }, () => {
  let stack: NatsStack;
  let dir: string;
  const clients: Client[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ib-mcp-quotas-"));
    const file = join(dir, "principals.yaml");
    writeFileSync(file, PRINCIPALS);
    stack = await startNatsStack({
      clientId: "73",
      gateways: 2,
      connectorEnv: { MCP_PRINCIPALS_FILE: file },
      gatewayEnv: { MCP_PRINCIPALS_FILE: file },
    });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const client = async (replica: number, token: string) => {
    const c = await mcpClient(`${stack.gateways[replica]?.base}/mcp`, { Authorization: `Bearer ${token}` });
    clients.push(c);
    return c;
  };
  const status = async (c: Client) =>
    (await c.callTool({ name: "get_connection_status", arguments: {} })) as ToolResult;

  it("refuses research's call beyond calls_per_minute on either replica with RATE_LIMITED and retryAfterMs; ops is still served", async () => {
    const replicas = [await client(0, "research-token"), await client(1, "research-token")];
    for (let i = 0; i < QUOTA; i++) {
      const r = await status(replicas[i % 2]!);
      assert.notEqual(r.isError, true, `call ${i + 1} of ${QUOTA} (replica ${i % 2}): ${textOf(r)}`);
    }
    for (const [i, c] of replicas.entries()) {
      const refused = await status(c);
      assert.equal(refused.isError, true, `replica ${i} refused the call over the quota`);
      assert.match(
        textOf(refused),
        /^RATE_LIMITED: principal "research" reached its quota of .*calls_per_minute in MCP_PRINCIPALS_FILE/,
      );
      const meta = refused._meta?.["ib-mcp/error"];
      assert.equal(meta?.code, "RATE_LIMITED");
      assert.ok(
        (meta?.retryAfterMs ?? 0) > 0 && (meta?.retryAfterMs ?? 0) <= 60_000,
        "retryAfterMs within the minute",
      );
    }
    for (const replica of [0, 1]) {
      const ops = await status(await client(replica, "ops-token"));
      assert.notEqual(ops.isError, true, `ops on replica ${replica}: ${textOf(ops)}`);
    }
  });
});
