import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getHistoricalTicks } from "../../shared/tools/get-historical-ticks.ts";
import { ibUtc, nextCursor, pageOf } from "./get-historical-ticks.ts";

const args = (a: Record<string, unknown>) => getHistoricalTicks.input.parse({ symbol: "AAPL", ...a });
const NOW = Date.UTC(2026, 10, 27, 16, 0, 0);

describe("historical tick paging", () => {
  it("writes times in IB's UTC notation", () => {
    assert.equal(ibUtc(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000), "20260102-03:04:05");
  });

  it("pages back from now by default, from start forward, back from end, or from a cursor", () => {
    assert.deepEqual(pageOf(args({}), NOW), { forward: false, at: NOW / 1000 });
    assert.deepEqual(pageOf(args({ start: "2026-11-27T15:00:00Z" }), NOW), {
      forward: true,
      at: Date.UTC(2026, 10, 27, 15) / 1000,
    });
    assert.deepEqual(pageOf(args({ end: "2026-11-27T10:00:00-05:00" }), NOW), {
      forward: false,
      at: Date.UTC(2026, 10, 27, 15) / 1000,
    });
    assert.deepEqual(pageOf(args({ cursor: "f123", start: "2026-11-27T15:00:00Z" }), NOW), {
      forward: true,
      at: 123,
    });
  });

  it("refuses start and end together, and a start in the future", () => {
    assert.throws(
      () => pageOf(args({ start: "2026-11-27T15:00:00Z", end: "2026-11-27T15:00:00Z" }), NOW),
      /not both/,
    );
    assert.throws(() => pageOf(args({ start: "2026-11-28T15:00:00Z" }), NOW), /future/);
  });

  it("continues one second past a full page's edge, and stops after a short page", () => {
    const ticks = [{ time: 100 }, { time: 100 }, { time: 103 }];
    assert.equal(nextCursor(ticks, true, 3), "f104");
    assert.equal(nextCursor(ticks, false, 3), "b99");
    assert.equal(nextCursor(ticks, false, 4), undefined);
    assert.equal(nextCursor([], true, 1), undefined);
  });
});
