import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startDeadline } from "../shared/deadline.ts";
import type { IbMcpError } from "../shared/errors.ts";
import { createCoalescer, type SharedRun } from "./coalesce.ts";

/** A caller whose deadline the test ends by hand. */
const caller = (ms: number) => {
  let listeners: Array<(reason: unknown) => void> = [];
  return {
    deadlineAt: Date.now() + ms,
    onExpire(fn: (reason: unknown) => void) {
      listeners.push(fn);
      return () => {
        listeners = listeners.filter((l) => l !== fn);
      };
    },
    expire(reason: unknown) {
      const called = listeners;
      listeners = [];
      for (const fn of called) fn(reason);
    },
  };
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
    first.expire(new Error("first caller gave up"));
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
    one.expire(new Error("one left"));
    await sleep(5);
    assert.equal(signal?.aborted, false);
    two.expire(new Error("two left"));
    await Promise.all([p1, p2]);
    assert.equal(signal?.aborted, true, "IB's request is cancelled once nobody waits");
  });

  it("with real deadlines: a short caller leaves with TIMEOUT, the run outlives it, and is aborted when the last one expires", async () => {
    const c = createCoalescer();
    const slow = (ms: number) => (run: SharedRun) =>
      new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => resolve("late answer"), ms);
        run.signal.addEventListener("abort", () => {
          clearTimeout(t);
          reject(run.signal.reason);
        });
      });
    const short = startDeadline(40);
    const long = startDeadline(500);
    const a = c.join("k", short, slow(120));
    const b = c.join("k", long, slow(120));
    await assert.rejects(
      a,
      (e: IbMcpError) => e.code === "TIMEOUT",
      "each caller leaves at its own deadline",
    );
    assert.equal(await b, "late answer");
    for (const d of [short, long]) d.dispose();

    const d1 = startDeadline(30);
    const d2 = startDeadline(60);
    const started = Date.now();
    const results = await Promise.allSettled([c.join("j", d1, slow(5_000)), c.join("j", d2, slow(5_000))]);
    const took = Date.now() - started;
    assert.ok(took >= 55 && took < 1_000, `aborted once the later deadline passed (${took} ms)`);
    for (const r of results) {
      assert.equal(r.status, "rejected");
      assert.equal(((r as PromiseRejectedResult).reason as IbMcpError).code, "TIMEOUT");
    }
    assert.equal(c.size, 0);
  });

  it("gives the run the latest deadline among its waiters, and the first waiter's principal", async () => {
    const c = createCoalescer();
    let seen: SharedRun | undefined;
    let finish: (v: string) => void = () => undefined;
    const start = (run: SharedRun) => {
      seen = run;
      return new Promise<string>((r) => {
        finish = r;
      });
    };
    const early = { ...caller(100), principal: "alice" };
    const late = { ...caller(5_000), principal: "bob" };
    const a = c.join("k", early, start);
    assert.equal(seen?.deadlineAt, early.deadlineAt);
    const b = c.join("k", late, start);
    assert.equal(seen?.deadlineAt, late.deadlineAt, "a later waiter lends the run its time");
    assert.equal(seen?.principal, "alice");
    finish("ok");
    assert.deepEqual(await Promise.all([a, b]), ["ok", "ok"]);
  });

  it("makes no AbortSignal for a run that never asks for one", async () => {
    const c = createCoalescer();
    const made: number[] = [];
    const Original = globalThis.AbortController;
    globalThis.AbortController = class extends Original {
      constructor() {
        super();
        made.push(1);
      }
    };
    try {
      const d = startDeadline(1_000);
      assert.equal(await c.join("cached", d, async () => "from cache"), "from cache");
      d.dispose();
    } finally {
      globalThis.AbortController = Original;
    }
    assert.equal(made.length, 0);
  });
});
