import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { IbMcpError } from "../shared/errors.ts";
import type { Quotas } from "../shared/principals.ts";
import { readTool, tradeTool } from "../shared/tool-def.ts";
import { createDispatcher } from "./dispatch.ts";
import type { ConnectorServices, HandlerEntry } from "./handlers/context.ts";
import { createQuotaGuard } from "./principals/quotas.ts";

const slow = readTool({
  name: "slow",
  title: "Slow",
  toolsets: ["contracts"],
  description:
    "Answers when the test lets it; a fake tool for dispatcher tests only, never registered anywhere.",
  input: z.object({ id: z.string() }),
  output: z.object({ id: z.string() }),
  summarize: (o) => o.id,
});

function setup(quotas: Record<string, Quotas>) {
  const started: string[] = [];
  const gates: Array<() => void> = [];
  const handlers = new Map<string, HandlerEntry>([
    [
      "slow",
      {
        tool: slow,
        run: (args) =>
          new Promise((resolve) => {
            started.push((args as { id: string }).id);
            gates.push(() => resolve(args));
          }),
      },
    ],
  ]);
  const dispatch = createDispatcher({
    services: { mode: "paper", readOnly: true } as unknown as ConnectorServices,
    handlers,
    tools: [slow],
    quotas: createQuotaGuard({ quotasOf: (p) => quotas[p] ?? {} }),
  });
  const call = (principal: string | undefined, id: string) =>
    dispatch("slow", { id }, { requestId: id, timeoutMs: 5_000, ...(principal ? { principal } : {}) });
  const openAll = async () => {
    while (gates.length) gates.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { call, started, openAll };
}

describe("dispatch: per-principal quotas", () => {
  it("refuses a call beyond a principal's concurrent quota before its handler runs, others unaffected", async () => {
    const { call, started, openAll } = setup({ bot: { concurrent: 1 } });
    const first = call("bot", "a");
    await assert.rejects(call("bot", "b"), (e: unknown) => {
      assert.ok(e instanceof IbMcpError);
      assert.equal(e.code, "RATE_LIMITED");
      assert.match(
        e.message,
        /principal "bot" reached its quota of 1 concurrent calls \(concurrent in MCP_PRINCIPALS_FILE\)/,
      );
      assert.equal(e.requestId, "b");
      assert.ok((e.retryAfterMs ?? 0) > 0);
      return true;
    });
    const other = call("someone", "c");
    const anonymous = call(undefined, "d");
    await openAll();
    assert.deepEqual(await Promise.all([first, other, anonymous]), [{ id: "a" }, { id: "c" }, { id: "d" }]);
    assert.deepEqual(started, ["a", "c", "d"], "the refused call never reached its handler");
    const again = call("bot", "e");
    await openAll();
    assert.deepEqual(await again, { id: "e" }, "the quota frees when the running call ends");
  });

  it("counts each caller of a coalesced call against its own calls_per_minute", async () => {
    const { call, started, openAll } = setup({ bot: { calls_per_minute: 1 } });
    const a = call("bot", "same");
    const b = call("other", "same");
    await assert.rejects(call("bot", "same"), /calls_per_minute/);
    await openAll();
    assert.deepEqual(await Promise.all([a, b]), [{ id: "same" }, { id: "same" }]);
    assert.deepEqual(started, ["same"], "one shared run");
  });

  it("never holds back a risk-reducing call (a cancel), even for a principal over every quota", async () => {
    const pull = tradeTool(
      {
        name: "pull",
        title: "Pull",
        toolsets: ["orders"],
        description: "Takes risk away; a fake tool for dispatcher tests only, never registered anywhere.",
        input: z.object({ id: z.string() }),
        output: z.object({ id: z.string() }),
        summarize: (o) => o.id,
      },
      { destructive: true, idempotent: true, reducesRisk: true },
    );
    const dispatch = createDispatcher({
      services: { mode: "paper", readOnly: false } as unknown as ConnectorServices,
      handlers: new Map<string, HandlerEntry>([["pull", { tool: pull, run: async (args) => args }]]),
      tools: [pull],
      quotas: createQuotaGuard({ quotasOf: () => ({ calls_per_minute: 1, concurrent: 1 }) }),
    });
    const calls = ["a", "b", "c"].map((id) =>
      dispatch("pull", { id }, { requestId: id, timeoutMs: 5_000, principal: "bot" }),
    );
    assert.deepEqual(await Promise.all(calls), [{ id: "a" }, { id: "b" }, { id: "c" }]);
  });
});
