import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

// The suite's tools-call-* scenarios call fixed test tools (test_simple_text, ...) that a real server does not
// have; these are the scenarios that apply to ib-mcp.
export const conformanceScenarios = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"];

const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve("@modelcontextprotocol/conformance/package.json")), "dist/index.js");

function runScenario(url: string, scenario: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, "server", "--url", url, "--scenario", scenario],
      { timeout: 20_000, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } },
      (err, stdout, stderr) => {
        if (err?.killed) reject(new Error(`conformance ${scenario} timed out`));
        else resolve(`${stdout}\n${stderr}`);
      },
    );
  });
}

/** Runs one scenario of @modelcontextprotocol/conformance against `url` and asserts every check passed. */
export async function assertConformance(url: string, scenario: string): Promise<void> {
  const out = await runScenario(url, scenario);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the suite's colour codes
  const plain = out.replace(/\u001b\[[0-9;]*m/g, "");
  const m = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(plain);
  assert.ok(m, `no result line in the suite's output:\n${plain}`);
  assert.equal(m[3], "0", plain);
  assert.equal(m[1], m[2], plain);
  assert.ok(Number(m[2]) > 0);
}
