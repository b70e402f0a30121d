import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IbMcpError } from "../../../shared/errors.ts";
import { AreaFreshness } from "./freshness.ts";

const scope = (ms: number) => {
  const c = new AbortController();
  const t = setTimeout(() => c.abort(new IbMcpError("TIMEOUT", `no answer within ${ms} ms`)), ms);
  return { signal: c.signal, deadlineAt: Date.now() + ms, done: () => clearTimeout(t) };
};

describe("area freshness", () => {
  it("lets readers through at once when fresh, and holds them while syncing until the end marker", async () => {
    const f = new AreaFreshness();
    f.syncing();
    const s = scope(5_000);
    let through = false;
    const waiting = f.whenFresh(s).then(() => {
      through = true;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(through, false, "held while syncing");
    f.markFresh();
    await waiting;
    assert.equal(f.status, "fresh");
    assert.ok(f.updatedAt !== undefined);
    await f.whenFresh(scope(1)); // fresh: no wait
    s.done();
  });

  it("fails waiting readers at once with the reason when it goes stale, not at their deadlines", async () => {
    const f = new AreaFreshness();
    f.syncing();
    const s = scope(10_000);
    const started = Date.now();
    const waiting = f.whenFresh(s);
    f.markStale(new IbMcpError("IB_UNAVAILABLE", "the IB session was lost"));
    await assert.rejects(waiting, (e: unknown) => e instanceof IbMcpError && e.code === "IB_UNAVAILABLE");
    assert.ok(Date.now() - started < 1_000);
    s.done();
  });

  it("gives a waiting reader up at its own deadline, leaving the others waiting", async () => {
    const f = new AreaFreshness();
    f.syncing();
    const short = scope(50);
    const long = scope(5_000);
    const patient = f.whenFresh(long);
    await assert.rejects(f.whenFresh(short), (e: unknown) => e instanceof IbMcpError && e.code === "TIMEOUT");
    f.markFresh();
    await patient;
    long.done();
  });
});
