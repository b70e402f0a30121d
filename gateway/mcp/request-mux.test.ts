import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { JSONRPCMessage, JSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { type JsonRpcReply, RequestMuxTransport } from "./request-mux.ts";

const timeoutReply = (id: JSONRPCRequest["id"]): JsonRpcReply => ({
  jsonrpc: "2.0",
  id,
  error: { code: -32001, message: "gave up" },
});
const call = (id: JSONRPCRequest["id"], args: Record<string, unknown>): JSONRPCRequest => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "echo", arguments: args },
});

/** A real McpServer with one tool that answers after `ms` (or waits for cancellation), on a mux. */
async function serverOnMux() {
  const server = new McpServer({ name: "t", version: "0" });
  const mux = new RequestMuxTransport<{ tag: string }>();
  const seen: Array<{ tag: string | undefined; aborted: boolean }> = [];
  server.registerTool(
    "echo",
    { inputSchema: { text: z.string(), ms: z.number().optional() } },
    async ({ text, ms }, extra) => {
      const entry = { tag: mux.contextOf(extra.requestId)?.tag, aborted: false };
      seen.push(entry);
      if (ms === undefined) {
        await new Promise<void>((resolve) => extra.signal.addEventListener("abort", () => resolve()));
        entry.aborted = true;
        return { content: [] };
      }
      await new Promise((r) => setTimeout(r, ms));
      return { content: [{ type: "text", text: `${text} ${entry.tag}` }] };
    },
  );
  await server.connect(mux);
  return { server, mux, seen };
}

describe("RequestMuxTransport with a real McpServer", () => {
  it("keeps concurrent requests that reuse one JSON-RPC id apart, each with its own context and id", async () => {
    const { server, mux } = await serverOnMux();
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        mux.request(call(1, { text: `t${i}`, ms: (i * 7) % 13 }), { tag: `c${i}` }, {}, 5_000, timeoutReply),
      ),
    );
    replies.forEach((r, i) => {
      assert.equal(r.id, 1);
      assert.ok("result" in r, JSON.stringify(r));
      assert.deepEqual((r.result as { content: unknown }).content, [{ type: "text", text: `t${i} c${i}` }]);
    });
    assert.equal(mux.inFlight, 0);
    await server.close();
  });

  it("gives up at the deadline with the caller's reply, and cancels the handler inside the server", async () => {
    const { server, mux, seen } = await serverOnMux();
    const started = Date.now();
    const reply = await mux.request(call("x", { text: "never" }), { tag: "slow" }, {}, 80, timeoutReply);
    assert.deepEqual(reply, timeoutReply("x"));
    assert.ok(Date.now() - started < 1_000);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen, [{ tag: "slow", aborted: true }], "notifications/cancelled reached the tool");
    assert.equal(mux.inFlight, 0);
    await server.close();
  });

  it("gives up when the caller's signal aborts (its client hung up), and cancels the handler inside the server", async () => {
    const { server, mux, seen } = await serverOnMux();
    const hangUp = new AbortController();
    const why: string[] = [];
    const giveUp = (id: JSONRPCRequest["id"], reason: string) => {
      why.push(reason);
      return timeoutReply(id);
    };
    const waiting = mux.request(
      call("h", { text: "never" }),
      { tag: "gone" },
      {},
      30_000,
      giveUp,
      hangUp.signal,
    );
    await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    hangUp.abort();
    assert.deepEqual(await waiting, timeoutReply("h"));
    assert.ok(Date.now() - started < 1_000);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(why, ["disconnect"]);
    assert.deepEqual(seen, [{ tag: "gone", aborted: true }], "the tool's signal aborted");
    assert.equal(mux.inFlight, 0);
    await server.close();
  });

  it("closing answers every waiting caller at once with its give-up reply", async () => {
    const { server, mux } = await serverOnMux();
    const waiting = [
      mux.request(call(1, { text: "a" }), { tag: "a" }, {}, 30_000, timeoutReply),
      mux.request(call("two", { text: "b" }), { tag: "b" }, {}, 30_000, timeoutReply),
    ];
    await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await server.close();
    assert.deepEqual(await Promise.all(waiting), [timeoutReply(1), timeoutReply("two")]);
    assert.ok(Date.now() - started < 1_000);
    assert.equal(mux.inFlight, 0);
  });

  it("drops what the server sends without a waiting caller, and answers at once once closed", async () => {
    const mux = new RequestMuxTransport<null>();
    const received: JSONRPCMessage[] = [];
    mux.onmessage = (m) => received.push(m);
    await mux.send({ jsonrpc: "2.0", id: 999, result: {} }); // nobody waits for 999
    await mux.send({
      jsonrpc: "2.0",
      method: "notifications/progress",
      params: { progressToken: 1, progress: 1 },
    });
    await mux.close();
    const reply = await mux.request(call(5, { text: "late" }), null, {}, 5_000, timeoutReply);
    assert.deepEqual(reply, timeoutReply(5));
    assert.equal(received.length, 0, "a closed mux passes nothing on");
  });
});
