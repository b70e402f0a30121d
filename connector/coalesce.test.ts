import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCoalescer, type SharedRun } from "./coalesce.ts";

const caller = (ms: number) => {
  const controller = new AbortController();
  return { controller, signal: controller.signal, deadlineAt: Date.now() + ms };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("coalescer", () => {
  it("runs identical concurrent calls once", async () => {
    const c = createCoalescer();
    let runs = 0;
    const start = async () => {
      runs++;
      await sleep(20);
      return 42;
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => c.join("k", caller(1_000), start)));
    assert.deepEqual(results, Array(10).fill(42));
    assert.equal(runs, 1);
    assert.equal(c.size, 0, "a finished run is forgotten");
  });

  it("keeps the run alive for a later caller when the first caller leaves early", async () => {
    const c = createCoalescer();
    let seen: SharedRun | undefined;
    const start = async (run: SharedRun) => {
      seen = run;
      await sleep(80);
      if (run.signal.aborted) throw run.signal.reason;
      return "done";
    };
    const first = caller(1_000);
    const second = caller(1_000);
    const a = c.join("k", first, start);
    const b = c.join("k", second, start);
    a.catch(() => undefined);
    first.controller.abort(new Error("first caller gave up"));
    assert.equal(await b, "done");
    assert.equal(
      seen?.signal.aborted,
      false,
      "the shared run was not aborted while the second caller waited",
    );
  });

  it("aborts the run when the last caller leaves", async () => {
    const c = createCoalescer();
    let signal: AbortSignal | undefined;
    const start = (run: SharedRun) =>
      new Promise<never>((_, reject) => {
        signal = run.signal;
        run.signal.addEventListener("abort", () => reject(run.signal.reason));
      });
    const one = caller(1_000);
    const two = caller(1_000);
    const p1 = c.join("k", one, start).catch((e: Error) => e);
    const p2 = c.join("k", two, start).catch((e: Error) => e);
    one.controller.abort(new Error("one left"));
    await sleep(5);
    assert.equal(signal?.aborted, false);
    two.controller.abort(new Error("two left"));
    await Promise.all([p1, p2]);
    assert.equal(signal?.aborted, true, "IB's request is cancelled once nobody waits");
  });

  it("times the run out at the latest caller deadline, not the first", async () => {
    const c = createCoalescer();
    const start = (run: SharedRun) =>
      new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => resolve("late answer"), 120);
        run.signal.addEventListener("abort", () => {
          clearTimeout(t);
          reject(run.signal.reason);
        });
      });
    const short = c.join("k", caller(40), start);
    const long = c.join("k", caller(500), start);
    assert.equal(
      await short,
      "late answer",
      "the caller's own deadline is the dispatcher's job, not the run's",
    );
    assert.equal(await long, "late answer");
  });
});
