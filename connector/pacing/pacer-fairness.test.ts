import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IbMcpError } from "../../shared/errors.ts";
import { createFakeClock } from "./fake-clock.ts";
import { createPacer } from "./pacer.ts";
import type { Admission, PacedRequest, PacerOptions } from "./types.ts";

const FAR = 1e15;
let n = 0;
const hist = (): PacedRequest => ({ kind: "historical", key: `k${++n}`, contractKey: `c${n}` });

/** A pacer on a fake clock whose historical budget is `limit` per second; records grants per principal. */
function setup(weights: Record<string, number> = {}, extra: Partial<PacerOptions> = {}) {
  const clock = createFakeClock();
  const pacer = createPacer({
    maxMarketDataLines: 2,
    safetyMarginMs: 0,
    limits: { historical: { limit: 2, windowMs: 1_000 } },
    now: clock.now,
    setTimer: clock.setTimer,
    weightOf: (p) => weights[p] ?? 1,
    ...extra,
  });
  const t0 = clock.now();
  const order: string[] = [];
  const track = (principal: string, req: PacedRequest = hist(), deadlineAt = FAR, autoRelease = true) => {
    const out: { at?: number; error?: unknown; release?: () => void } = {};
    pacer.acquire(req, deadlineAt, undefined, principal).then(
      (release) => {
        out.at = clock.now() - t0;
        order.push(principal);
        out.release = release;
        if (autoRelease) release();
      },
      (error) => {
        out.at = clock.now() - t0;
        out.error = error;
      },
    );
    return out;
  };
  return { clock, pacer, t0, order, track };
}

const count = (list: string[], who: string) => list.filter((x) => x === who).length;

describe("pacer: a fair share per principal", () => {
  it("alternates two flooding principals of equal weight on a shared budget", async () => {
    const { clock, order, track } = setup();
    for (let i = 0; i < 10; i++) track("a");
    for (let i = 0; i < 10; i++) track("b");
    await clock.advance(4_500);
    // two slots at 0 (both a's: b came later and found them granted), then a and b in turn
    assert.deepEqual(order.slice(0, 2), ["a", "a"]);
    const contended = order.slice(2);
    assert.equal(contended.length, 8);
    for (let i = 1; i < contended.length; i++)
      assert.notEqual(contended[i], contended[i - 1], order.join(","));
  });

  it("serves principals of weight 3 and 1 three to one while both wait", async () => {
    const { clock, order, track } = setup({ heavy: 3, light: 1 });
    for (let i = 0; i < 30; i++) track("heavy");
    for (let i = 0; i < 30; i++) track("light");
    await clock.advance(8_500);
    const contended = order.slice(2, 18);
    assert.equal(count(contended, "heavy"), 12, `order: ${order.join(",")}`);
    assert.equal(count(contended, "light"), 4);
  });

  it("serves a light principal at the next slot instead of behind another's flood", async () => {
    const { clock, track } = setup();
    const flood = Array.from({ length: 40 }, () => track("flood"));
    await clock.advance(500);
    const light = track("light");
    await clock.advance(1_000);
    assert.equal(light.at, 1_000, "the first slot that frees after it arrived");
    assert.equal(flood[2]?.at, 1_000, "the flood keeps the other slot of that window");
  });

  it("gives an idle principal's share to the one that is busy", async () => {
    const { clock, track } = setup({ heavy: 1, idle: 100 });
    const alone = Array.from({ length: 6 }, () => track("heavy"));
    await clock.advance(3_000);
    assert.deepEqual(
      alone.map((r) => r.at),
      [0, 0, 1_000, 1_000, 2_000, 2_000],
    );
  });

  it("keeps a slot of the pool free for a principal that asked within the window, not for one long gone", async () => {
    const { clock, t0, track } = setup({}, { limits: { historical: { limit: 8, windowMs: 1_000 } } });
    const first = track("light");
    const flood = Array.from({ length: 30 }, () => track("flood"));
    await clock.advance(0);
    assert.equal(first.at, 0);
    assert.equal(flood.filter((r) => r.at === 0).length, 6, "the flood left one slot for light");
    await clock.advance(500);
    const second = track("light");
    await clock.advance(0);
    assert.equal(second.at, 500, "light's next request went at once, without waiting for the window to roll");
    await clock.advance(6_000);
    assert.ok(
      flood.every((r) => r.at !== undefined),
      "the flood is done",
    );
    await clock.advance(2_000);
    const t = clock.now();
    const alone = Array.from({ length: 8 }, () => track("alone"));
    await clock.advance(0);
    assert.equal(
      alone.filter((r) => r.at === t - t0).length,
      8,
      "a principal alone for a window has the whole pool again",
    );
  });

  it("shares market data lines fairly: a waiting principal gets the next free line", async () => {
    const { clock, track } = setup();
    const md: PacedRequest = { kind: "marketData" };
    const held = [track("flood", md, FAR, false), track("flood", md, FAR, false)];
    const flood = Array.from({ length: 5 }, () => track("flood", md, FAR, false));
    const light = track("light", md, FAR, false);
    await clock.advance(10);
    held[0]?.release?.();
    await clock.advance(0);
    assert.equal(light.at, 10, "light took the freed line");
    assert.equal(flood[0]?.at, undefined);
  });

  it("paces general requests at messagesPerSec when set, a light principal's before another's backlog", async () => {
    const { clock, track } = setup({}, { messagesPerSec: 5 });
    const general: PacedRequest = { kind: "general" };
    const flood = Array.from({ length: 20 }, () => track("flood", general));
    await clock.advance(100);
    const light = track("light", general);
    await clock.advance(1_000);
    assert.deepEqual(
      flood.slice(0, 6).map((r) => r.at),
      [0, 0, 0, 0, 0, 1_000],
    );
    assert.equal(light.at, 1_000, "the light request took the first message slot that freed");
    assert.equal(flood.filter((r) => r.at === 1_000).length, 4, "the flood had the rest of that second");
  });

  it("keeps kinds apart: a principal's historical flood does not delay its own news", async () => {
    const { clock, track } = setup();
    for (let i = 0; i < 20; i++) track("a");
    const news = track("a", { kind: "news" });
    await clock.advance(0);
    assert.equal(news.at, 0);
  });

  it("still refuses at once a request whose fair slot is after its deadline, naming the rule", async () => {
    const { clock, t0, track } = setup();
    for (let i = 0; i < 10; i++) track("flood");
    const late = track("light", hist(), t0 + 500);
    const ok = track("light", hist(), t0 + 1_000);
    await clock.advance(0);
    assert.ok(late.error instanceof IbMcpError);
    assert.equal(late.error.code, "RATE_LIMITED");
    assert.equal(late.error.retryAfterMs, 1_000);
    assert.match(late.error.message, /historical data requests: at most 2 per 1 s/);
    await clock.advance(1_000);
    assert.equal(ok.at, 1_000, "the refusal took nothing from the same principal's next request");
  });
});

describe("pacer: admission (per-principal quotas)", () => {
  it("refuses before queueing when admit throws, and commits or cancels the admitted ones", async () => {
    const events: string[] = [];
    const admit = (_req: PacedRequest, principal: string): Admission => {
      if (principal === "over") throw new IbMcpError("RATE_LIMITED", "quota", { retryAfterMs: 5 });
      return {
        commit: () => events.push(`commit ${principal}`),
        cancel: () => events.push(`cancel ${principal}`),
      };
    };
    const { clock, pacer, t0, track } = setup({}, { admit });
    const refused = track("over");
    track("a");
    track("a");
    const late = track("b", hist(), t0 + 10);
    await clock.advance(0);
    assert.ok(refused.error instanceof IbMcpError);
    assert.equal(refused.error.message, "quota");
    assert.deepEqual(events.sort(), ["cancel b", "commit a", "commit a"]);
    assert.equal(late.error instanceof IbMcpError && late.error.code, "RATE_LIMITED");
    assert.equal(pacer.stats().queued, 0);
  });

  it("keeps per-principal stats under bounded labels", async () => {
    const { clock, pacer, track } = setup({}, { labelOf: (p) => (p === "known" ? p : "other") });
    track("known");
    track("x1");
    track("x2");
    await clock.advance(0);
    assert.deepEqual(pacer.stats().byPrincipal, {
      known: { queued: 0, granted: 1, rejected: 0 },
      other: { queued: 1, granted: 1, rejected: 0 },
    });
  });
});
