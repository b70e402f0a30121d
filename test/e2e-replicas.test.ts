/**
 * Issue 6: several stateless gateway processes serve one connector; killing one loses no request on the others.
 * Agents here are real MCP SDK clients, each pinned to one gateway as a load balancer would pin a connection.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { findInstrument } from "../sim/universe/index.ts";
import { mcpClient, type NatsStack, startNatsStack, textOf } from "./support/stack.ts";

type ToolResult = { isError?: boolean; structuredContent?: { conId?: number } };

describe("two gateway replicas behind one connector", () => {
  let stack: NatsStack;
  const clients: Client[] = [];

  before(async () => {
    stack = await startNatsStack({ clientId: "31", gateways: 2 });
    for (const g of stack.gateways) clients.push(await mcpClient(`${g.base}/mcp`));
  });

  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await stack?.stop();
  });

  it("both replicas answer the same connector", async () => {
    for (const c of clients) {
      const r = (await c.callTool({ name: "ticker_to_conid", arguments: { symbol: "IBM" } })) as ToolResult;
      assert.equal(r.structuredContent?.conId, findInstrument("IBM", "STK")!.conId, textOf(r));
    }
  });

  it("SIGKILL of one replica under load: every call on the survivor succeeds", async () => {
    const symbols = ["AAPL", "MSFT", "NVDA", "IBM", "TSLA", "AMZN", "GOOGL", "META"];
    const survivor = clients[1]!;
    let survivorCalls = 0;
    const survivorLoad = (async () => {
      const failures: string[] = [];
      const until = Date.now() + 2_500;
      while (Date.now() < until) {
        const batch = await Promise.all(
          symbols.map((symbol) => survivor.callTool({ name: "ticker_to_conid", arguments: { symbol } })),
        );
        for (const [i, r] of batch.entries()) {
          survivorCalls++;
          const res = r as ToolResult;
          if (res.structuredContent?.conId !== findInstrument(symbols[i]!, "STK")!.conId)
            failures.push(textOf(r));
        }
      }
      return failures;
    })();
    const victimLoad = Promise.allSettled(
      Array.from({ length: 200 }, () =>
        clients[0]!.callTool({ name: "lookup_contract", arguments: { symbol: "AAPL" } }),
      ),
    );
    await new Promise((r) => setTimeout(r, 500));
    await stack.gateways[0]!.cli.stop("SIGKILL");
    const failures = await survivorLoad;
    await victimLoad;
    assert.deepEqual(failures, [], "no call on the surviving replica failed");
    assert.ok(survivorCalls >= 40, `the survivor kept serving (${survivorCalls} calls)`);
    const ready = await fetch(`${stack.gateways[1]!.base}/ready`);
    assert.equal(ready.status, 200);
  });
});
