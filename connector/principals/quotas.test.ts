import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IbMcpError } from "../../shared/errors.ts";
import type { Quotas } from "../../shared/principals.ts";
import { createQuotaGuard } from "./quotas.ts";

function setup(quotas: Record<string, Quotas>) {
  let t = 1_000_000;
  const guard = createQuotaGuard({ quotasOf: (p) => quotas[p] ?? {}, now: () => t });
  return { guard, advance: (ms: number) => (t += ms) };
}

function refused(fn: () => unknown, quota: string, principal: string, retryAfterMs?: number) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof IbMcpError);
    assert.equal(err.code, "RATE_LIMITED");
    assert.match(err.message, new RegExp(`principal "${principal}".*${quota} in MCP_PRINCIPALS_FILE`));
    if (retryAfterMs !== undefined) assert.equal(err.retryAfterMs, retryAfterMs);
    else assert.ok((err.retryAfterMs ?? 0) > 0);
    return true;
  });
}

describe("per-principal quotas", () => {
  it("refuses a call beyond calls_per_minute until the oldest call is a minute old, and a refusal counts for nothing", () => {
    const { guard, advance } = setup({ research: { calls_per_minute: 2 } });
    guard.enter("research")();
    advance(10_000);
    guard.enter("research")();
    advance(5_000);
    refused(() => guard.enter("research"), "calls_per_minute", "research", 45_000);
    refused(() => guard.enter("research"), "calls_per_minute", "research", 45_000);
    advance(45_000);
    guard.enter("research")();
    refused(() => guard.enter("research"), "calls_per_minute", "research", 10_000);
    guard.enter("someone-else")();
  });

  it("refuses a call beyond `concurrent` while the others run, and lets one in when one ends", () => {
    const { guard } = setup({ bot: { concurrent: 2 } });
    const a = guard.enter("bot");
    const b = guard.enter("bot");
    refused(() => guard.enter("bot"), "concurrent", "bot");
    a();
    a();
    const c = guard.enter("bot");
    refused(() => guard.enter("bot"), "concurrent", "bot");
    b();
    c();
  });

  it("counts historical requests per 10 minutes when they leave, frees a cancelled one, ignores other kinds", () => {
    const { guard, advance } = setup({ research: { historical_per_10min: 2 } });
    const hist = { kind: "historical" as const, key: "k", contractKey: "c" };
    assert.equal(guard.admit({ kind: "news" }, "research"), undefined);
    const first = guard.admit(hist, "research");
    const second = guard.admit(hist, "research");
    refused(() => guard.admit(hist, "research"), "historical_per_10min", "research");
    second?.cancel();
    first?.commit();
    advance(60_000);
    guard.admit(hist, "research")?.commit();
    refused(() => guard.admit(hist, "research"), "historical_per_10min", "research", 540_000);
    refused(() => guard.admit({ ...hist, weight: 2 }, "research"), "historical_per_10min", "research");
    advance(540_000);
    guard.admit(hist, "research")?.commit();
  });

  it("reads quotas per call, so a reloaded file applies to the next call", () => {
    const quotas: Record<string, Quotas> = { bot: { calls_per_minute: 1 } };
    const { guard } = setup(quotas);
    guard.enter("bot")();
    refused(() => guard.enter("bot"), "calls_per_minute", "bot");
    quotas.bot = {};
    guard.enter("bot")();
  });

  it("counts refusals per bounded label and quota", () => {
    let t = 0;
    const guard = createQuotaGuard({
      quotasOf: () => ({ calls_per_minute: 1 }),
      labelOf: (p) => (p === "ops" ? p : "other"),
      now: () => t++,
    });
    for (const p of ["ops", "ops", "token-1", "token-1", "token-2", "token-2"]) {
      try {
        guard.enter(p)();
      } catch {
        // counted below
      }
    }
    assert.deepEqual(guard.stats(), { ops: { calls_per_minute: 1 }, other: { calls_per_minute: 2 } });
  });
});
