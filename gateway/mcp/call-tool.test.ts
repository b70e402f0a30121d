import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { findTool } from "../../shared/tools/index.ts";
import { anonymousPrincipal } from "../auth/principal.ts";
import { createMetrics } from "../metrics.ts";
import { createFakeBus } from "../testing/fake-bus.ts";
import { type CallScope, createToolCaller } from "./call-tool.ts";
import { ERROR_META_KEY } from "./tool-result.ts";

describe("a tool call's deadline in the gateway", () => {
  it("answers TIMEOUT at the request's deadline when the bus never answers", async () => {
    const { bus } = createFakeBus(() => new Promise(() => undefined));
    const callTool = createToolCaller({
      bus,
      mode: "paper",
      metrics: createMetrics(),
      logger: pino({ level: "silent" }),
    });
    const scope = {
      requestId: "r1",
      traceparent: undefined,
      deadlineAt: Date.now() + 80,
      principal: anonymousPrincipal,
    } as CallScope;
    const started = Date.now();
    const result = await callTool(findTool("lookup_contract")!, { symbol: "AAPL" }, scope);
    const took = Date.now() - started;
    assert.equal(result.isError, true);
    assert.equal((result._meta?.[ERROR_META_KEY] as { code: string } | undefined)?.code, "TIMEOUT");
    assert.match(String((result.content[0] as { text: string }).text), /within the gateway's deadline/);
    assert.ok(took >= 60 && took < 2_000, `answered at the deadline (${took} ms)`);
  });
});
