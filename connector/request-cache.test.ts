import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRequestCache } from "./request-cache.ts";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A caller that waits as long as the test needs. */
const scope = { signal: new AbortController().signal, deadlineAt: Date.now() + 60_000 };

describe("createRequestCache", () => {
  it("coalesces 64 concurrent identical requests into one load", async () => {
    const cache = createRequestCache<number>({ ttlMs: 0 });
    let loads = 0;
    const d = deferred<number>();
    const calls = Array.from({ length: 64 }, () =>
      cache.get("k", scope, () => {
        loads++;
        return d.promise;
      }),
    );
    d.resolve(42);
    assert.deepEqual(new Set(await Promise.all(calls)), new Set([42]));
    assert.equal(loads, 1);
    // ttl 0: nothing kept, the next call loads again
    await cache.get("k", scope, async () => {
      loads++;
      return 1;
    });
    assert.equal(loads, 2);
  });

  it("answers from the result within ttl, loads again after it", async () => {
    let t = 1_000;
    const cache = createRequestCache<string>({ ttlMs: 15_000, now: () => t });
    let loads = 0;
    const load = async () => `v${++loads}`;
    assert.equal(await cache.get("h", scope, load), "v1");
    t += 14_999;
    assert.equal(await cache.get("h", scope, load), "v1");
    t += 2;
    assert.equal(await cache.get("h", scope, load), "v2");
    assert.equal(await cache.get("other", scope, load), "v3");
  });

  it("never caches failures and shares them only with concurrent callers", async () => {
    const cache = createRequestCache<number>({ ttlMs: 60_000 });
    const d = deferred<number>();
    const a = cache.get("k", scope, () => d.promise);
    const b = cache.get("k", scope, async () => 99);
    d.reject(new Error("ib said no"));
    await assert.rejects(a, /ib said no/);
    await assert.rejects(b, /ib said no/);
    assert.equal(await cache.get("k", scope, async () => 5), 5);
  });

  it("does not store a result that arrives after clear()", async () => {
    const cache = createRequestCache<number>({ ttlMs: 60_000 });
    const d = deferred<number>();
    const old = cache.get("k", scope, () => d.promise);
    cache.clear();
    d.resolve(1);
    assert.equal(await old, 1);
    assert.equal(cache.size, 0);
    assert.equal(await cache.get("k", scope, async () => 2), 2);
  });

  it("a load shared by a short-deadline caller and a long-deadline caller answers the long one", async () => {
    const cache = createRequestCache<string>({ ttlMs: 60_000 });
    const short = new AbortController();
    const first = { signal: short.signal, deadlineAt: Date.now() + 30 };
    const second = { signal: new AbortController().signal, deadlineAt: Date.now() + 5_000 };
    // a load that honours its scope, as every IB call does: it gives up when its signal aborts
    const load = (run: { signal: AbortSignal }) =>
      new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => resolve("bars"), 120);
        run.signal.addEventListener("abort", () => {
          clearTimeout(t);
          reject(run.signal.reason);
        });
      });
    const a = cache.get("k", first, load);
    const b = cache.get("k", second, load);
    setTimeout(() => short.abort(new Error("first caller's deadline")), 30);
    await assert.rejects(a, /first caller's deadline/);
    assert.equal(await b, "bars");
    assert.equal(await cache.get("k", first, load), "bars", "and the result is cached");
  });

  it("evicts the oldest entry beyond maxEntries", async () => {
    const cache = createRequestCache<number>({ ttlMs: 60_000, maxEntries: 2 });
    await cache.get("a", scope, async () => 1);
    await cache.get("b", scope, async () => 2);
    await cache.get("c", scope, async () => 3);
    assert.equal(cache.size, 2);
    assert.equal(await cache.get("a", scope, async () => 10), 10);
  });
});
