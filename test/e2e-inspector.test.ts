/**
 * The MCP Inspector CLI 2.x, as a user runs it (`npx @modelcontextprotocol/inspector@2 --cli URL --transport http ...`),
 * lists and calls tools on a gateway process that reaches the connector over a real nats-server, with a bearer token.
 * 2.x declares Node >= 22.19 and runs on Node 20 (npm warns EBADENGINE).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { catalogue } from "../shared/tools/index.ts";
import { DEFAULT_TOOLSETS } from "../shared/toolsets.ts";
import { findInstrument } from "../sim/universe/index.ts";
import { type NatsStack, startNatsStack } from "./support/stack.ts";

const require = createRequire(import.meta.url);
const inspector = join(
  dirname(require.resolve("@modelcontextprotocol/inspector/package.json")),
  "clients/launcher/build/index.js",
);
// 2.x keeps a catalog of servers; one per run, never the user's own
const catalogDir = mkdtempSync(join(tmpdir(), "ib-mcp-inspector-"));
const token = "inspector-test-token-0123456789abcdef";

/** Runs the Inspector CLI; resolves with its exit code and output (deadline 30 s). */
function runInspector(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, MCP_CATALOG_PATH: join(catalogDir, "mcp.json"), NO_COLOR: "1" };
    execFile(
      process.execPath,
      [inspector, "--cli", ...args],
      { timeout: 30_000, env },
      (err, stdout, stderr) => {
        if (err?.killed) reject(new Error(`the inspector timed out: ${stderr}`));
        else resolve({ code: typeof err?.code === "number" ? err.code : 0, stdout, stderr });
      },
    );
  });
}

describe("MCP Inspector CLI against the gateway (→ NATS → connector → simulator)", () => {
  let stack: NatsStack;
  let url: string;
  /** The inspector as a user with the gateway's token runs it. */
  const withToken = (...args: string[]) =>
    runInspector([url, "--transport", "http", "--header", `Authorization: Bearer ${token}`, ...args]);

  before(async () => {
    stack = await startNatsStack({ clientId: "33", gatewayEnv: { MCP_AUTH_TOKENS: token } });
    url = `${stack.gateways[0]?.base}/mcp`;
  });

  after(async () => {
    await stack?.stop();
    rmSync(catalogDir, { recursive: true, force: true });
  });

  it("tools/list --strict shows the read tools of the URL's toolsets, every schema portable", async () => {
    const { code, stdout, stderr } = await withToken("--method", "tools/list", "--strict");
    assert.equal(code, 0, stderr);
    const { tools } = JSON.parse(stdout) as { tools: Array<{ name: string }> };
    assert.deepEqual(
      tools.map((t) => t.name).sort(),
      catalogue
        .filter((t) => t.access === "read" && t.toolsets.some((s) => DEFAULT_TOOLSETS.includes(s)))
        .map((t) => t.name)
        .sort(),
    );
  });

  it("tools/call answers from the simulator, and a refused call comes back as a tool error", async () => {
    const lookup = (symbol: string) =>
      withToken("--method", "tools/call", "--tool-name", "lookup_contract", "--tool-arg", `symbol=${symbol}`);
    const ok = await lookup("MSFT");
    assert.equal(ok.code, 0, ok.stderr);
    const result = JSON.parse(ok.stdout) as {
      isError?: boolean;
      structuredContent: { contracts: Array<{ conId: number }> };
    };
    assert.notEqual(result.isError, true, ok.stdout);
    assert.equal(result.structuredContent.contracts[0]?.conId, findInstrument("MSFT")?.conId);

    const missing = await lookup("ZZZZQ");
    const refused = JSON.parse(missing.stdout) as { isError?: boolean; content: Array<{ text: string }> };
    assert.equal(refused.isError, true);
    assert.match(refused.content[0]?.text ?? "", /^NOT_FOUND: .*ZZZZQ/);
  });

  it("without the token the inspector cannot connect", async () => {
    const { code, stdout, stderr } = await runInspector([
      url,
      "--transport",
      "http",
      "--method",
      "tools/list",
    ]);
    assert.notEqual(code, 0);
    assert.doesNotMatch(stdout, /"tools"/);
    // 2.x takes the 401 as the start of OAuth, which a CLI without a TTY cannot finish
    assert.match(stderr + stdout, /"code":"auth_required"/);
  });
});
