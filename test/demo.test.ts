/**
 * The README's first command, `npm run demo`: one process with the simulator and the all-in-one server, no NATS.
 * An MCP SDK client follows the URL it prints, lists the tools and gets an answer from the simulator.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { catalogue } from "../shared/tools/index.ts";
import { findInstrument } from "../sim/universe/index.ts";
import { freePort } from "./support/free-port.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { mcpClient } from "./support/stack.ts";

describe("npm run demo", () => {
  let demo: CliProcess | undefined;

  after(async () => {
    await demo?.stop();
  });

  it("prints a working MCP URL and client configs, serves the simulator's data, and stops on SIGINT", async () => {
    const port = await freePort();
    // NATS_URL is set on purpose: the demo needs no NATS and must not try one
    demo = spawnCli("demo", [], { PORT: String(port), NATS_URL: "nats://127.0.0.1:1" });
    const [, url] = await demo.waitFor(/MCP endpoint: (http:\/\/\S+\/mcp)/, 60_000);
    assert.equal(url, `http://127.0.0.1:${port}/mcp`);
    await demo.waitFor(/Press Ctrl\+C to stop/, 10_000);
    assert.match(demo.output(), /claude mcp add --transport http ib http:\/\/127\.0\.0\.1:\d+\/mcp/);

    const client = await mcpClient(url as string);
    try {
      const { tools } = await client.listTools();
      assert.equal(tools.length, catalogue.filter((t) => t.access === "read").length);
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
