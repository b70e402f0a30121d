import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Bus, CallContext } from "../../shared/bus.ts";
import { IbMcpError } from "../../shared/errors.ts";
import {
  answerBusCall,
  type BusCall,
  createCancelHooks,
  type DurableObjectNamespaceLike,
  durableObjectBus,
} from "./durable-object-bus.ts";

/** A caller's onCancel hook driven by an AbortSignal, as gateway/mcp/call-tool.ts builds it. */
function onAbortOf(signal: AbortSignal): NonNullable<CallContext["onCancel"]> {
  return (fn) => {
    const listener = () => fn(signal.reason);
    signal.addEventListener("abort", listener, { once: true });
    return () => signal.removeEventListener("abort", listener);
  };
}

/**
 * A Durable Object namespace whose object runs answerBusCall over `bus`, with every RPC argument passed through
 * structuredClone, as a Worker's RPC copies it (a function does not survive that as one).
 */
function namespaceOver(bus: Bus) {
  const cancels = createCancelHooks();
  const sent: BusCall[] = [];
  const ns: DurableObjectNamespaceLike = {
    idFromName: (name) => name,
    get: () => ({
      call: async (request) => {
        const copy = structuredClone(request);
        sent.push(copy);
        return answerBusCall(bus, copy, cancels);
      },
      cancel: async (cancelId) => cancels.cancel(structuredClone(cancelId)),
      ping: async () => true,
    }),
  };
  return { ns, sent, cancels };
}

const echoBus: Bus = {
  call: async (_mode, tool, args) => ({ tool, args }),
  ping: async () => true,
  close: async () => {},
};

describe("the Worker's bus through the Durable Object", () => {
  it("sends each call as plain data, with a cancel id only when its caller can give up, and returns the answer", async () => {
    const { ns, sent } = namespaceOver(echoBus);
    const bus = durableObjectBus(ns);
    const ctx = { requestId: "r1", timeoutMs: 5_000, traceparent: "00-abc-def-01" };
    const cancellable = { ...ctx, onCancel: onAbortOf(new AbortController().signal) };
    assert.deepEqual(await bus.call("paper", "lookup_contract", { symbol: "AAPL" }, cancellable), {
      tool: "lookup_contract",
      args: { symbol: "AAPL" },
    });
    assert.deepEqual(await bus.call("paper", "get_positions", {}, ctx), { tool: "get_positions", args: {} });
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[0]?.ctx, ctx, "the context crosses without its onCancel function");
    assert.match(sent[0]?.cancelId ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(sent[1]?.cancelId, undefined);
  });

  it("tells the Durable Object's bus when the caller gives up, and keeps no cancel hook after the call", async () => {
    let heard: unknown;
    const waitsForCancel: Bus = {
      ...echoBus,
      call: (_mode, _tool, _args, ctx) =>
        new Promise((_, reject) => {
          const off = ctx.onCancel?.((reason) => {
            heard = reason;
            off?.();
            reject(new IbMcpError("TIMEOUT", "the caller stopped waiting"));
          });
        }),
    };
    const { ns, cancels } = namespaceOver(waitsForCancel);
    const caller = new AbortController();
    const ctx = { requestId: "r2", timeoutMs: 5_000, onCancel: onAbortOf(caller.signal) };
    const answer = durableObjectBus(ns).call("paper", "get_quote", { symbols: ["AAPL"] }, ctx);
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(cancels.size, 1, "the running call listens for a cancel");
    caller.abort(new Error("client hung up"));
    await assert.rejects(answer, (e: unknown) => e instanceof IbMcpError && e.code === "TIMEOUT");
    assert.ok(heard instanceof Error);
    assert.equal(cancels.size, 0);
  });

  it("ignores a cancel for a call that is not running (it ended, or the cancel overtook it)", () => {
    const cancels = createCancelHooks();
    let calls = 0;
    const off = cancels.hook("a")(() => calls++);
    off();
    cancels.cancel("a");
    cancels.cancel("never-seen");
    assert.equal(calls, 0);
    assert.equal(cancels.size, 0);
  });
});
