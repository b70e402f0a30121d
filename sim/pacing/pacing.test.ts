import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HISTORICAL_LIMITS, HistoricalPacing } from "./historical-pacing.ts";
import { MessageRate } from "./message-rate.ts";

const key = (identity: string, contract = "c") => ({ identity, contract });

describe("pacing rules", { timeout: 30_000 }, () => {
  it("identical requests: refused inside the scaled window, accepted after it", () => {
    const p = new HistoricalPacing(0.1);
    assert.equal(p.check(key("a"), 0), undefined);
    assert.match(p.check(key("a"), HISTORICAL_LIMITS.identicalMs * 0.1 - 1) ?? "", /identical/);
    assert.equal(p.check(key("a"), HISTORICAL_LIMITS.identicalMs * 0.1), undefined);
  });

  it("same contract: the seventh within the window is refused; another contract is not", () => {
    const p = new HistoricalPacing(1);
    for (let k = 0; k < 6; k++) assert.equal(p.check(key(`r${k}`), k), undefined);
    assert.match(p.check(key("r6"), 10) ?? "", /same contract/);
    assert.equal(p.check(key("x", "other"), 11), undefined);
    assert.equal(p.check(key("r7"), HISTORICAL_LIMITS.sameContractMs + 1), undefined);
  });

  it("60 per window, refused requests do not count", () => {
    const p = new HistoricalPacing(1);
    for (let k = 0; k < 60; k++) assert.equal(p.check(key(`r${k}`, `c${k}`), k * 100), undefined);
    assert.match(p.check(key("r60", "c60"), 6_100) ?? "", /more than 60/);
    assert.match(p.check(key("r61", "c61"), 6_200) ?? "", /more than 60/);
    // the first request leaves the 10-minute window
    assert.equal(p.check(key("r62", "c62"), HISTORICAL_LIMITS.windowMs), undefined);
  });

  it("message rate: over the limit inside one second, fine again after it", () => {
    const r = new MessageRate(3);
    assert.deepEqual([r.hit(0), r.hit(1), r.hit(2), r.hit(3)], [false, false, false, true]);
    assert.equal(r.hit(1003), false);
  });
});
