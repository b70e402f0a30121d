import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffDelay } from "./backoff.ts";

describe("backoffDelay", () => {
  it("doubles from the base and stays within [exp/2, exp]", () => {
    const low = [0, 1, 2, 3].map((n) => backoffDelay(n, { baseMs: 100, maxMs: 10_000, random: () => 0 }));
    const high = [0, 1, 2, 3].map((n) =>
      backoffDelay(n, { baseMs: 100, maxMs: 10_000, random: () => 0.999999 }),
    );
    assert.deepEqual(low, [50, 100, 200, 400]);
    assert.deepEqual(high, [100, 200, 400, 800]);
  });

  it("never exceeds the cap, even after many failures", () => {
    for (const n of [10, 20, 100, 10_000]) {
      const d = backoffDelay(n, { baseMs: 250, maxMs: 30_000 });
      assert.ok(d >= 15_000 && d <= 30_000, `${n}: ${d}`);
    }
  });

  it("spreads delays with jitter", () => {
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelay(5, { baseMs: 100, maxMs: 60_000 })));
    assert.ok(seen.size > 10, `only ${seen.size} distinct delays`);
  });
});
