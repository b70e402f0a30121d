import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IbMcpError } from "../../shared/errors.ts";
import { createFakeClock } from "./fake-clock.ts";
import type { PacingLimits } from "./limits.ts";
import { createPacer } from "./pacer.ts";
import type { PacedRequest, Release } from "./types.ts";

const FAR = 1e15;

function setup(
  limits: Partial<PacingLimits> = {},
  extra: { timeScale?: number; safetyMarginMs?: number; maxUnsentMs?: number; autoRelease?: boolean } = {},
) {
  const clock = createFakeClock();
  const pacer = createPacer({
    maxMarketDataLines: 2,
    safetyMarginMs: extra.safetyMarginMs ?? 0,
    maxUnsentMs: extra.maxUnsentMs ?? 60_000,
    timeScale: extra.timeScale ?? 1,
    limits,
    now: clock.now,
    setTimer: clock.setTimer,
  });
  const t0 = clock.now();
  /** Starts an acquire and records when (ms after t0) it was granted or how it failed. */
  const track = (req: PacedRequest, deadlineAt = FAR, signal?: AbortSignal) => {
    const out: { at?: number; release?: Release; error?: unknown } = {};
    pacer.acquire(req, deadlineAt, signal).then(
      (release) => {
        out.at = clock.now() - t0;
        out.release = release;
        // Most tests look at the windows alone: the request is answered the moment it is granted.
        if (extra.autoRelease ?? true) release();
      },
      (error) => {
        out.at = clock.now() - t0;
        out.error = error;
      },
    );
    return out;
  };
  return { clock, pacer, t0, track };
}

let n = 0;
const hist = (contract = `c${++n}`, key = `k${++n}`): PacedRequest => ({
  kind: "historical",
  key,
  contractKey: contract,
});

function assertRateLimited(error: unknown, retryAfterMs: number, rule: RegExp) {
  assert.ok(error instanceof IbMcpError, `expected IbMcpError, got ${String(error)}`);
  assert.equal(error.code, "RATE_LIMITED");
  assert.equal(error.retryAfterMs, retryAfterMs);
  assert.match(error.message, rule);
}

describe("pacer: historical rules", () => {
  it("lets `limit` requests per window through and holds the next until the oldest leaves the window", async () => {
    const { clock, track } = setup({ historical: { limit: 3, windowMs: 1_000 } });
    const reqs = [track(hist()), track(hist()), track(hist()), track(hist())];
    await clock.advance(0);
    assert.deepEqual(
      reqs.map((r) => r.at),
      [0, 0, 0, undefined],
    );
    await clock.advance(999);
    assert.equal(reqs[3]?.at, undefined);
    await clock.advance(1);
    assert.equal(reqs[3]?.at, 1_000);
  });

  it("keeps identical requests 15 s apart", async () => {
    const { clock, track } = setup();
    const a = track(hist("x", "same"));
    const b = track(hist("x", "same"));
    const other = track(hist("x", "different"));
    await clock.advance(14_999);
    assert.equal(a.at, 0);
    assert.equal(other.at, 0);
    assert.equal(b.at, undefined);
    await clock.advance(1);
    assert.equal(b.at, 15_000);
  });

  it("lets at most 5 requests for one contract, exchange and tick type go within 2 s", async () => {
    const { clock, track } = setup();
    const same = Array.from({ length: 7 }, () => track(hist("AAPL|SMART|TRADES")));
    await clock.advance(10_000);
    assert.deepEqual(
      same.map((r) => r.at),
      [0, 0, 0, 0, 0, 2_000, 2_000],
    );
  });

  it("counts a weight-2 (BID_ASK) request twice", async () => {
    const { clock, track } = setup({ historical: { limit: 3, windowMs: 1_000 } });
    const a = track({ kind: "historical", key: "a", contractKey: "a", weight: 2 });
    const b = track(hist());
    const c = track(hist());
    await clock.advance(2_000);
    assert.deepEqual([a.at, b.at, c.at], [0, 0, 1_000]);
  });

  it("scales every window by timeScale", async () => {
    const { clock, track } = setup({}, { timeScale: 0.01, autoRelease: true });
    const first = Array.from({ length: 61 }, () => track(hist()));
    const again = [track(hist("y", "id")), track(hist("y", "id"))];
    await clock.advance(10_000);
    assert.equal(first.filter((r) => r.at === 0).length, 60);
    assert.equal(first[60]?.at, 6_000);
    // identical requests: 15 s scaled is 150 ms
    assert.equal(again[0]?.at, 6_000);
    assert.equal(again[1]?.at, 6_150);
  });

  it("counts a granted request as sent at its release, or now while unreleased", async () => {
    const { clock, track } = setup({ historical: { limit: 1, windowMs: 1_000 } }, { autoRelease: false });
    const a = track(hist());
    const b = track(hist());
    await clock.advance(3_000);
    assert.equal(a.at, 0);
    assert.equal(b.at, undefined, "a may still sit in the client's send queue, so b waits");
    a.release?.();
    await clock.advance(999);
    assert.equal(b.at, undefined);
    await clock.advance(1);
    assert.equal(b.at, 4_000, "one window after a's release");
  });

  it("stops waiting for a release after maxUnsentMs", async () => {
    const { clock, track } = setup(
      { historical: { limit: 1, windowMs: 1_000 } },
      { autoRelease: false, maxUnsentMs: 5_000 },
    );
    track(hist());
    const b = track(hist());
    await clock.advance(5_999);
    assert.equal(b.at, undefined);
    await clock.advance(1);
    assert.equal(b.at, 6_000);
  });

  it("adds the safety margin to every window", async () => {
    const { clock, track } = setup({ historical: { limit: 1, windowMs: 1_000 } }, { safetyMarginMs: 7 });
    const a = track(hist());
    const b = track(hist());
    await clock.advance(1_006);
    assert.equal(a.at, 0);
    assert.equal(b.at, undefined);
    await clock.advance(1);
    assert.equal(b.at, 1_007);
  });
});

describe("pacer: deadlines", () => {
  it("rejects at once with RATE_LIMITED, the rule and retryAfterMs when the slot is after the deadline", async () => {
    const { clock, pacer, t0, track } = setup({ historical: { limit: 2, windowMs: 10_000 } });
    track(hist());
    await clock.advance(3_000);
    track(hist());
    const late = track(hist(), t0 + 3_000 + 6_999);
    await clock.advance(0);
    assert.equal(late.at, 3_000, "rejected without waiting");
    assertRateLimited(late.error, 7_000, /historical data requests: at most 2 per 10 s/);
    // the rejection changed nothing: the same request with enough time gets that slot
    const ok = track(hist(), t0 + 10_000);
    await clock.advance(7_000);
    assert.equal(ok.at, 10_000);
    assert.equal(pacer.stats().rejected.historical, 1);
  });

  it("names the per-contract and identical rules when they bind", async () => {
    const { clock, track } = setup();
    for (let i = 0; i < 5; i++) track(hist("C"));
    const sixth = track(hist("C"), clock.now() + 100);
    track(hist("D", "dup"));
    const dup = track(hist("D", "dup"), clock.now() + 100);
    await clock.advance(0);
    assertRateLimited(sixth.error, 2_000, /one contract, exchange and tick type: at most 5 per 2 s/);
    assertRateLimited(dup.error, 15_000, /identical historical requests: at most 1 per 15 s/);
  });

  it("rejects a request waiting for a market data line when its deadline passes", async () => {
    const { clock, t0, track } = setup({}, { autoRelease: false });
    track({ kind: "marketData" });
    track({ kind: "marketData" });
    const third = track({ kind: "marketData" }, t0 + 500);
    await clock.advance(499);
    assert.equal(third.at, undefined);
    await clock.advance(1);
    assert.equal(third.at, 500);
    assertRateLimited(third.error, 1_000, /all 2 market data lines are in use/);
  });
});

describe("pacer: fairness", () => {
  it("grants waiters on a shared budget in arrival order", async () => {
    const { clock, track } = setup({ historical: { limit: 1, windowMs: 1_000 } });
    const reqs = ["a", "b", "c", "d"].map((c) => track(hist(c)));
    await clock.advance(5_000);
    assert.deepEqual(
      reqs.map((r) => r.at),
      [0, 1_000, 2_000, 3_000],
    );
  });

  it("does not let a later request take the shared slot an earlier one reserved", async () => {
    const { clock, track } = setup({ historical: { limit: 6, windowMs: 10_000 } });
    const x = Array.from({ length: 6 }, () => track(hist("X")));
    const y = track(hist("Y"));
    await clock.advance(20_000);
    assert.equal(x[5]?.at, 2_000, "X's sixth waits only for its contract rule");
    assert.equal(y.at, 10_000, "Y waits for the 10 s window instead of stealing X's slot");
  });

  it("lets another contract go while one contract waits on its own 2-second rule", async () => {
    const { clock, track } = setup({ historical: { limit: 10, windowMs: 10_000 } });
    const x = Array.from({ length: 7 }, () => track(hist("X")));
    const y = track(hist("Y"));
    await clock.advance(0);
    assert.equal(y.at, 0, "Y is not stuck behind X");
    await clock.advance(5_000);
    assert.deepEqual(
      x.map((r) => r.at),
      [0, 0, 0, 0, 0, 2_000, 2_000],
    );
  });

  it("frees an aborted waiter's slot for the one behind it", async () => {
    const { clock, track } = setup({ historical: { limit: 1, windowMs: 1_000 } });
    track(hist());
    const ctl = new AbortController();
    const aborted = track(hist(), FAR, ctl.signal);
    const behind = track(hist());
    await clock.advance(500);
    ctl.abort();
    await clock.advance(0);
    assert.ok(aborted.error instanceof IbMcpError);
    assert.equal(aborted.at, 500);
    await clock.advance(500);
    assert.equal(behind.at, 1_000, "behind took the aborted waiter's slot");
  });

  it("rejects at once when the signal is already aborted", async () => {
    const { clock, pacer, track } = setup();
    const ctl = new AbortController();
    ctl.abort(new IbMcpError("TIMEOUT", "caller gave up"));
    const r = track(hist(), FAR, ctl.signal);
    await clock.advance(0);
    assert.ok(r.error instanceof IbMcpError);
    assert.equal(r.error.message, "caller gave up");
    assert.equal(pacer.stats().queued, 0);
  });
});

describe("pacer: capacities and other kinds", () => {
  it("holds a market data line until its release, once", async () => {
    const { clock, pacer, track } = setup({}, { autoRelease: false });
    const a = track({ kind: "marketData" });
    track({ kind: "marketData" });
    const c = track({ kind: "marketData" });
    const d = track({ kind: "marketData" });
    await clock.advance(100);
    assert.equal(c.at, undefined);
    assert.equal(pacer.stats().marketDataLinesInUse, 2);
    a.release?.();
    a.release?.();
    await clock.advance(0);
    assert.equal(c.at, 100);
    assert.equal(d.at, undefined, "a second release of the same grant frees nothing");
    c.release?.();
    await clock.advance(0);
    assert.equal(d.at, 100);
  });

  it("limits open historical requests and frees one on release", async () => {
    const { clock, pacer, track } = setup(
      { historicalOpen: 2, historical: { limit: 100, windowMs: 1_000 } },
      { autoRelease: false },
    );
    const [a, , c] = [track(hist()), track(hist()), track(hist())];
    await clock.advance(0);
    assert.equal(c?.at, undefined);
    assert.equal(pacer.stats().historicalOpen, 2);
    a?.release?.();
    await clock.advance(0);
    assert.equal(c?.at, 0);
  });

  it("holds at most the scanner subscription limit at once and frees one on release", async () => {
    const { clock, track } = setup({ scannerSubscriptions: 2 }, { autoRelease: false });
    const [a, b, c] = [track({ kind: "scanner" }), track({ kind: "scanner" }), track({ kind: "scanner" })];
    await clock.advance(0);
    assert.deepEqual([a?.at, b?.at, c?.at], [0, 0, undefined]);
    a?.release?.();
    await clock.advance(0);
    assert.equal(c?.at, 0);
  });

  it("rejects a scan waiting for a subscription when its deadline passes, naming the limit", async () => {
    const { clock, t0, track } = setup({ scannerSubscriptions: 1 }, { autoRelease: false });
    track({ kind: "scanner" });
    const late = track({ kind: "scanner" }, t0 + 500);
    await clock.advance(600);
    assert.ok(late.error instanceof IbMcpError);
    assert.match(late.error.message, /scanner subscriptions/);
  });

  it("paces fundamental and news requests per second and never holds general ones", async () => {
    const { clock, pacer, track } = setup();
    const f = [track({ kind: "fundamental" }), track({ kind: "fundamental" })];
    const nw = [track({ kind: "news" }), track({ kind: "news" })];
    const g = Array.from({ length: 100 }, () => track({ kind: "general" }));
    await clock.advance(0);
    assert.equal(g.filter((r) => r.at === 0).length, 100);
    assert.deepEqual([f[0]?.at, f[1]?.at, nw[0]?.at, nw[1]?.at], [0, undefined, 0, undefined]);
    assert.deepEqual(pacer.stats().waitingByKind, {
      historical: 0,
      marketData: 0,
      fundamental: 1,
      news: 1,
      scanner: 0,
      general: 0,
    });
    await clock.advance(1_000);
    assert.deepEqual([f[1]?.at, nw[1]?.at], [1_000, 1_000]);
  });
});

/** Counts the worst window of a list of send times: the most sends within any [x, x + windowMs). */
function worstWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j]! < sorted[i]! + windowMs) j++;
    worst = Math.max(worst, j - i);
  }
  return worst;
}

describe("pacer: random bursts", () => {
  it("never breaks a rule and serves every request without a needless gap", async () => {
    const { clock, t0, track } = setup({}, { timeScale: 0.01, safetyMarginMs: 1, autoRelease: true });
    let seed = 42;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const sent: Array<{
      req: PacedRequest & { kind: "historical" };
      r: ReturnType<typeof track>;
      arrived: number;
    }> = [];
    for (let i = 0; i < 300; i++) {
      const req = {
        kind: "historical" as const,
        contractKey: `c${Math.floor(rand() * 8)}`,
        key: `k${Math.floor(rand() * 40)}`,
      };
      sent.push({ req, r: track(req), arrived: clock.now() - t0 });
      await clock.advance(Math.floor(rand() * 40));
    }
    await clock.advance(60_000);
    const at = (p: (x: (typeof sent)[number]) => boolean) => sent.filter(p).map((x) => x.r.at ?? Number.NaN);
    assert.ok(
      sent.every((x) => x.r.at !== undefined && x.r.error === undefined),
      "all granted",
    );
    assert.ok(
      worstWindow(
        at(() => true),
        6_000,
      ) <= 60,
    );
    for (let c = 0; c < 8; c++)
      assert.ok(
        worstWindow(
          at((x) => x.req.contractKey === `c${c}`),
          20,
        ) <= 5,
      );
    for (let k = 0; k < 40; k++)
      assert.ok(
        worstWindow(
          at((x) => x.req.key === `k${k}`),
          150,
        ) <= 1,
      );
    // Under the 10-minute rule alone the i-th request could go at max(arrival, (i-60)-th send + window);
    // the other rules may add a little, but no gap should appear beyond that.
    const ideal: number[] = [];
    sent.forEach((x, i) => {
      ideal.push(Math.max(x.arrived, i >= 60 ? ideal[i - 60]! + 6_001 : 0));
    });
    const last = Math.max(...at(() => true));
    assert.ok(last >= ideal.at(-1)!, `last grant at ${last} ms beats the bound ${ideal.at(-1)} ms`);
    assert.ok(last <= ideal.at(-1)! + 300, `last grant at ${last} ms, bound ${ideal.at(-1)} ms`);
  });
});

describe("pacer: input", () => {
  it("answers TIMEOUT for a deadline that has already passed, and refuses a bad timeScale", async () => {
    const { clock, t0, track } = setup();
    const r = track(hist(), t0 - 1);
    await clock.advance(0);
    assert.ok(r.error instanceof IbMcpError);
    assert.equal(r.error.code, "TIMEOUT");
    assert.throws(() => createPacer({ maxMarketDataLines: 1, timeScale: 0 }), { code: "INVALID_ARGUMENT" });
  });
});
