import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { positionTotals, sumByUnderlying } from "./get-portfolio-greeks.ts";

const option = (symbol: string, delta: number | undefined, quantity: number) => {
  const greeks = delta === undefined ? {} : { delta, gamma: 0.02, vega: 0.1, theta: -0.05 };
  return {
    account: "DU1",
    contract: { conId: 1, symbol, secType: "OPT", currency: "USD" },
    position: quantity,
    multiplier: 100,
    greeks,
    total: positionTotals(greeks, quantity, 100),
  };
};

describe("portfolio greeks arithmetic", () => {
  it("scales each greek by quantity and multiplier, short positions flipping the sign", () => {
    assert.deepEqual(positionTotals({ delta: 0.5, gamma: 0.02, vega: 0.1, theta: -0.05 }, -2, 100), {
      delta: -100,
      gamma: -4,
      vega: -20,
      theta: 10,
    });
  });

  it("leaves out a greek IB did not send instead of counting it as zero", () => {
    assert.deepEqual(positionTotals({ impliedVol: 0.3 }, 3, 100), {});
  });

  it("sums per underlying and adds the shares held to the net delta", () => {
    const sums = sumByUnderlying(
      [
        option("AAPL", 0.5, 3),
        option("AAPL", -0.25, -2),
        option("SPY", -0.4, 5),
        option("QQQ", undefined, 1),
      ],
      new Map([["AAPL", 100]]),
    );
    assert.deepEqual(sums, [
      { symbol: "AAPL", delta: 200, gamma: 2, vega: 10, theta: -5, shares: 100, netDelta: 300 },
      { symbol: "SPY", delta: -200, gamma: 10, vega: 50, theta: -25, shares: 0, netDelta: -200 },
      { symbol: "QQQ", shares: 0, netDelta: 0 },
    ]);
  });
});
