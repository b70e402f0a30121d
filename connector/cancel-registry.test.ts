import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { IbMcpError } from "../shared/errors.ts";
import { readTool, type ToolDef } from "../shared/tool-def.ts";
import { createCancelRegistry } from "./cancel-registry.ts";
import { createDispatcher } from "./dispatch.ts";
import type { ConnectorServices, HandlerContext, HandlerEntry } from "./handlers/context.ts";

const services = { mode: "paper", readOnly: false } as unknown as ConnectorServices;
const slow = readTool({
  name: "slow",
  title: "Slow",
  toolsets: ["market"],
  description: "Waits until its signal aborts; a fake tool for these tests only.",
  input: z.object({ n: z.number().int().default(1) }),
  output: z.object({}),
  summarize: () => "",
});
const order: ToolDef = { ...slow, name: "place_slow", access: "trade" };

/** A dispatcher whose tools wait for their signal; `aborted` records each run's abort reason. */
function setup() {
  const aborted: unknown[] = [];
  const run = (_args: unknown, c: HandlerContext) =>
    new Promise<unknown>((_, reject) => {
      c.signal.addEventListener("abort", () => {
        aborted.push(c.signal.reason);
        reject(c.signal.reason);
      });
    });
  const handlers = new Map<string, HandlerEntry>([
    ["slow", { tool: slow, run }],
    ["place_slow", { tool: order, run }],
  ]);
  return { dispatch: createDispatcher({ services, handlers, tools: [slow, order] }), aborted };
}

describe("cancelling a call by its X-Cancel-Id", () => {
  it("aborts the running read call at once (its run's signal fires), long before its deadline", async () => {
    const cancels = createCancelRegistry();
    const { dispatch, aborted } = setup();
    const started = Date.now();
    const call = dispatch("slow", {}, { requestId: "r", timeoutMs: 10_000, onCancel: cancels.hook("c1") });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(cancels.cancel("c1"), true);
    await assert.rejects(call, (e: unknown) => e instanceof IbMcpError && /stopped waiting/.test(e.message));
    assert.ok(Date.now() - started < 1_000);
    assert.equal(aborted.length, 1, "the shared run was aborted, which frees its pacing slot and line");
    assert.equal(cancels.size, 0, "nothing is left registered");
  });

  it("a coalesced run goes on while another caller still waits for it", async () => {
    const cancels = createCancelRegistry();
    const { dispatch, aborted } = setup();
    const a = dispatch("slow", {}, { requestId: "a", timeoutMs: 10_000, onCancel: cancels.hook("a") });
    const b = dispatch("slow", {}, { requestId: "b", timeoutMs: 300 });
    await new Promise((r) => setTimeout(r, 20));
    cancels.cancel("a");
    await assert.rejects(a);
    assert.equal(aborted.length, 0, "b still waits");
    await assert.rejects(b, (e: unknown) => e instanceof IbMcpError && e.code === "TIMEOUT");
    assert.equal(aborted.length, 1, "aborted when the last caller left");
  });

  it("a trade call is never cut short by a cancel (an order half sent is worse than one answered late)", async () => {
    const cancels = createCancelRegistry();
    const { dispatch, aborted } = setup();
    const call = dispatch("place_slow", {}, { requestId: "t", timeoutMs: 200, onCancel: cancels.hook("t") });
    assert.equal(cancels.cancel("t"), false, "a trade call does not listen");
    await assert.rejects(call, (e: unknown) => e instanceof IbMcpError && e.code === "TIMEOUT");
    assert.equal(aborted.length, 1);
  });

  it("an unknown or finished id cancels nothing", () => {
    const cancels = createCancelRegistry();
    const off = cancels.hook("x")(() => assert.fail("must not be called"));
    off();
    assert.equal(cancels.cancel("x"), false);
    assert.equal(cancels.cancel("never"), false);
  });
});
