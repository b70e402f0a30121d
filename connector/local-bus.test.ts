import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IbMcpError } from "../shared/errors.ts";
import type { Dispatcher } from "./dispatch.ts";
import { createLocalBus } from "./local-bus.ts";

const ctx = { requestId: "r1", timeoutMs: 1_000 };

describe("createLocalBus", () => {
  it("calls the mode's dispatcher with JSON-copied arguments and returns a JSON copy of the result", async () => {
    const when = new Date("2026-01-02T03:04:05Z");
    let seen: unknown;
    const dispatcher: Dispatcher = async (_tool, args) => {
      seen = args;
      return { when, list: [1, 2], skip: undefined };
    };
    const bus = createLocalBus({ paper: dispatcher });
    const out = await bus.call("paper", "t", { at: when, keep: "x" }, ctx);
    assert.deepEqual(seen, { at: "2026-01-02T03:04:05.000Z", keep: "x" });
    assert.deepEqual(out, { when: "2026-01-02T03:04:05.000Z", list: [1, 2] });
    assert.equal(await bus.ping("paper", 100), true);
  });

  it("answers CONNECTOR_UNAVAILABLE for a mode without a connector, and after close", async () => {
    const bus = createLocalBus({ paper: async () => ({}) });
    await assert.rejects(
      bus.call("live", "t", {}, ctx),
      (e: IbMcpError) => e.code === "CONNECTOR_UNAVAILABLE" && e.message.includes("live"),
    );
    assert.equal(await bus.ping("live", 100), false);
    await bus.close();
    await assert.rejects(
      bus.call("paper", "t", {}, ctx),
      (e: IbMcpError) => e.code === "CONNECTOR_UNAVAILABLE",
    );
  });

  it("passes IbMcpError codes through and turns anything else into INTERNAL", async () => {
    const bus = createLocalBus({
      paper: async (tool) => {
        if (tool === "known") throw new IbMcpError("RATE_LIMITED", "slow down", { retryAfterMs: 1500 });
        throw new Error("raw");
      },
    });
    await assert.rejects(
      bus.call("paper", "known", {}, ctx),
      (e: IbMcpError) => e.code === "RATE_LIMITED" && e.retryAfterMs === 1500,
    );
    await assert.rejects(
      bus.call("paper", "other", {}, ctx),
      (e: IbMcpError) => e instanceof IbMcpError && e.code === "INTERNAL",
    );
  });

  it("refuses arguments that cannot be JSON", async () => {
    const bus = createLocalBus({ paper: async () => ({}) });
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    await assert.rejects(bus.call("paper", "t", loop, ctx), (e: IbMcpError) => e.code === "INVALID_ARGUMENT");
  });
});
