/**
 * The README's first command, `npm run demo`: one process with the simulator and the all-in-one server, no NATS.
 * An MCP SDK client follows the URL and the token it prints, lists the tools and gets an answer from the simulator;
 * the MCP Inspector 2.x command it prints works as printed.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { catalogue } from "../shared/tools/index.ts";
import { DEFAULT_TOOLSETS } from "../shared/toolsets.ts";
import { findInstrument } from "../sim/universe/index.ts";
import { freePort } from "./support/free-port.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { mcpClient } from "./support/stack.ts";

const require = createRequire(import.meta.url);
const inspector = join(
  dirname(require.resolve("@modelcontextprotocol/inspector/package.json")),
  "clients/launcher/build/index.js",
);
const catalogDir = mkdtempSync(join(tmpdir(), "ib-mcp-demo-inspector-"));

/** The installed Inspector CLI (what `npx @modelcontextprotocol/inspector@2` runs); deadline 30 s. */
function runInspector(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, MCP_CATALOG_PATH: join(catalogDir, "mcp.json"), NO_COLOR: "1" };
  return new Promise((resolve, reject) => {
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

describe("npm run demo", () => {
  let demo: CliProcess | undefined;

  after(async () => {
    await demo?.stop();
    rmSync(catalogDir, { recursive: true, force: true });
  });

  it("prints a working MCP URL and client configs with the token, serves the simulator's data, and stops on SIGINT", async () => {
    const port = await freePort();
    const token = "demo-token-0123456789abcdef";
    // NATS_URL is set on purpose: the demo needs no NATS and must not try one
    demo = spawnCli("demo", [], {
      PORT: String(port),
      NATS_URL: "nats://127.0.0.1:1",
      MCP_AUTH_TOKENS: token,
    });
    const [, url] = await demo.waitFor(/MCP endpoint: (http:\/\/\S+\/mcp)/, 60_000);
    assert.equal(url, `http://127.0.0.1:${port}/mcp`);
    await demo.waitFor(/Press Ctrl\+C to stop/, 10_000);
    const out = demo.output();
    const bearer = `"Authorization: Bearer ${token}"`;
    assert.ok(out.includes(`claude mcp add --transport http ib ${url} --header ${bearer}`), out);
    assert.ok(out.includes(`"Authorization": "Bearer ${token}"`), "Cursor's config has the header");
    assert.ok(out.includes(`"AUTH_HEADER": "Bearer ${token}"`), "mcp-remote's config has the header");
    const inspectorLine =
      /npx @modelcontextprotocol\/inspector@2 --cli (\S+) --transport http --header "([^"]+)" --method tools\/list/.exec(
        out,
      );
    assert.ok(inspectorLine, out);
    const listed = await runInspector([
      inspectorLine[1] as string,
      "--transport",
      "http",
      "--header",
      inspectorLine[2] as string,
      "--method",
      "tools/list",
    ]);
    assert.equal(listed.code, 0, listed.stderr);
    const defaults = catalogue
      .filter((t) => t.access === "read" && t.toolsets.some((s) => DEFAULT_TOOLSETS.includes(s)))
      .map((t) => t.name);
    assert.deepEqual(
      (JSON.parse(listed.stdout) as { tools: Array<{ name: string }> }).tools.map((t) => t.name),
      defaults,
    );

    const client = await mcpClient(url as string, { Authorization: `Bearer ${token}` });
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(
        tools.map((t) => t.name),
        defaults,
      );
      // the demo's connector may still be connecting to the simulator: retry briefly
      const until = Date.now() + 20_000;
      let result: { isError?: boolean; structuredContent?: { contracts?: Array<{ conId: number }> } } = {};
      for (;;) {
        result = (await client.callTool({
          name: "lookup_contract",
          arguments: { symbol: "AAPL" },
        })) as typeof result;
        if (!result.isError || Date.now() > until) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.notEqual(result.isError, true, JSON.stringify(result));
      assert.equal(result.structuredContent?.contracts?.[0]?.conId, findInstrument("AAPL")?.conId);
    } finally {
      await client.close();
    }

    const code = await demo.stop("SIGINT");
    assert.equal(code, 0, `the demo exits cleanly on Ctrl+C:\n${demo.output().slice(-2000)}`);
  });
});
