import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { IbMcpError } from "../shared/errors.ts";
import { readTool, type ToolDef } from "../shared/tool-def.ts";
import { catalogue } from "../shared/tools/index.ts";
import { lookupContract } from "../shared/tools/lookup-contract.ts";
import { createDispatcher } from "./dispatch.ts";
import type { ConnectorServices, HandlerContext, HandlerEntry } from "./handlers/context.ts";
import { handlers as realHandlers } from "./handlers/index.ts";

const services = { mode: "paper", readOnly: true } as unknown as ConnectorServices;
const ctx = (timeoutMs = 1_000) => ({ requestId: "req-1", timeoutMs });

const echo = readTool({
  name: "echo",
  title: "Echo",
  toolsets: ["contracts"],
  description: "Echoes its input back; a fake tool for dispatcher tests only, never registered anywhere.",
  input: z.object({ text: z.string().min(1, "text must not be empty"), n: z.number().int().default(1) }),
  output: z.object({ text: z.string() }),
  summarize: (o) => o.text,
});
const order: ToolDef = { ...echo, name: "place_order", access: "trade" };

function setup(run: (args: unknown, c: HandlerContext) => Promise<unknown>) {
  const handlers = new Map<string, HandlerEntry>([
    ["echo", { tool: echo, run }],
    ["place_order", { tool: order, run }],
  ]);
  return createDispatcher({ services, handlers, tools: [echo, order] });
}

async function rejectsWith(p: Promise<unknown>, code: string, pattern?: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof IbMcpError, `expected IbMcpError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

describe("createDispatcher", () => {
  it("has a handler for every catalogue tool", () => {
    assert.deepEqual(catalogue.map((t) => t.name).sort(), [...realHandlers.keys()].sort());
  });

  it("passes parsed arguments with defaults to the handler and returns its result", async () => {
    let seen: unknown;
    const dispatch = setup(async (args) => {
      seen = args;
      return { text: "ok" };
    });
    assert.deepEqual(await dispatch("echo", { text: "hi" }, ctx()), { text: "ok" });
    assert.deepEqual(seen, { text: "hi", n: 1 });
  });

  it("refuses an unknown tool, naming it", async () => {
    await rejectsWith(setup(async () => ({}))("nope", {}, ctx()), "INVALID_ARGUMENT", /unknown tool "nope"/);
  });

  it("turns every zod issue into one message naming each field, and never calls the handler", async () => {
    let calls = 0;
    const dispatch = setup(async () => {
      calls++;
      return {};
    });
    await rejectsWith(
      dispatch("echo", { text: "", n: 1.5 }, ctx()),
      "INVALID_ARGUMENT",
      /text: text must not be empty; n: /,
    );
    await rejectsWith(dispatch("echo", "garbage", ctx()), "INVALID_ARGUMENT", /\(arguments\)/);
    assert.equal(calls, 0);
  });

  it("refuses trade tools when read-only", async () => {
    await rejectsWith(
      setup(async () => ({}))("place_order", { text: "x" }, ctx()),
      "READ_ONLY",
      /IB_READONLY/,
    );
  });

  it("answers TIMEOUT when the handler outlives the deadline, and aborts the handler's signal", async () => {
    let aborted = false;
    const dispatch = setup(
      (_args, c) =>
        new Promise(() => {
          c.signal.addEventListener("abort", () => {
            aborted = true;
          });
        }),
    );
    const started = Date.now();
    await rejectsWith(dispatch("echo", { text: "slow" }, ctx(50)), "TIMEOUT");
    assert.ok(Date.now() - started < 1_000);
    assert.equal(aborted, true);
  });

  it("maps a raw Error to INTERNAL without leaking its text, and keeps IbMcpError codes", async () => {
    await assert.rejects(
      setup(async () => {
        throw new Error("secret internals");
      })("echo", { text: "x" }, ctx()),
      (e: IbMcpError) => e.code === "INTERNAL" && !e.message.includes("secret"),
    );
    await rejectsWith(
      setup(async () => {
        throw new IbMcpError("NOT_FOUND", "No security definition for AAPLX");
      })("echo", { text: "x" }, ctx()),
      "NOT_FOUND",
      /AAPLX/,
    );
  });

  it("attaches the request id to errors", async () => {
    await assert.rejects(
      setup(async () => ({}))("nope", {}, ctx()),
      (e: IbMcpError) => e.requestId === "req-1",
    );
  });

  it("coalesces identical concurrent read calls into one handler run", async () => {
    let runs = 0;
    const dispatch = setup(async (args) => {
      runs++;
      await new Promise((r) => setTimeout(r, 20));
      return { text: (args as { text: string }).text };
    });
    const results = await Promise.all([
      ...Array.from({ length: 64 }, () => dispatch("echo", { text: "same" }, ctx())),
      dispatch("echo", { text: "other" }, ctx()),
    ]);
    assert.equal(runs, 2);
    assert.equal(results.filter((r) => (r as { text: string }).text === "same").length, 64);
  });

  it("validates lookup_contract input with the catalogue schema", async () => {
    const dispatch = createDispatcher({ services });
    await rejectsWith(dispatch(lookupContract.name, { symbol: "" }, ctx()), "INVALID_ARGUMENT", /symbol/);
  });
});
