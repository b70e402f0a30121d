import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { QuoteFields } from "../../shared/schemas/market-data.ts";
import { applyPriceTick, applySizeTick, dataTypeOf, parseTradingHours, toOptionGreeks } from "./convert.ts";

describe("market data conversions", () => {
  it("reads IB trading hours, overnight sessions and closed days included", () => {
    assert.deepEqual(
      parseTradingHours("20240301:0930-20240301:1600;20240302:CLOSED;20240303:1700-20240304:1600;garbage"),
      [
        {
          date: "2024-03-01",
          closed: false,
          sessions: [{ open: "2024-03-01T09:30", close: "2024-03-01T16:00" }],
        },
        { date: "2024-03-02", closed: true, sessions: [] },
        {
          date: "2024-03-03",
          closed: false,
          sessions: [{ open: "2024-03-03T17:00", close: "2024-03-04T16:00" }],
        },
      ],
    );
    assert.deepEqual(parseTradingHours(undefined), []);
  });

  it("maps live and delayed tick types to the same fields and drops IB's 'no value' markers", () => {
    const q: QuoteFields = {};
    applyPriceTick(q, 1, 10.5);
    applyPriceTick(q, 67, 10.6);
    applyPriceTick(q, 4, -1);
    applyPriceTick(q, 75, 9.9);
    applySizeTick(q, 74, 1200);
    applySizeTick(q, 0, undefined);
    applyPriceTick(q, 99, 1);
    assert.deepEqual(q, { bid: 10.5, ask: 10.6, close: 9.9, volume: 1200 });
  });

  it("keeps known greeks only and names IB's market data types", () => {
    // a deep in-the-money put has a delta of -1: a real value, not a marker
    assert.deepEqual(
      toOptionGreeks({ impliedVol: 0.25, delta: -1, gamma: Number.MAX_VALUE, theta: undefined }),
      {
        impliedVol: 0.25,
        delta: -1,
      },
    );
    assert.deepEqual([1, 2, 3, 4].map(dataTypeOf), ["live", "frozen", "delayed", "delayed-frozen"]);
  });
});
