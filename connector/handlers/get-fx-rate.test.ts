import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IbMcpError } from "../../shared/errors.ts";
import { midpoint, rateOf, tidy } from "./get-fx-rate.ts";

describe("FX conversion arithmetic", () => {
  it("takes the midpoint of a two-sided quote", () => {
    assert.equal(midpoint({ bid: 1.08, ask: 1.09 }, "EUR.USD"), 1.085);
  });

  it("refuses a one-sided or crossed quote, naming the pair", () => {
    for (const q of [{ bid: 1.08 }, { ask: 1.09 }, { bid: 1.1, ask: 1.09 }, { bid: 0, ask: 1 }]) {
      assert.throws(
        () => midpoint(q, "EUR.USD"),
        (e: unknown) => e instanceof IbMcpError && /EUR\.USD/.test(e.message),
      );
    }
  });

  it("inverts a leg quoted the other way and chains legs through USD", () => {
    assert.equal(tidy(rateOf([{ mid: 1.25, inverted: true }])), 0.8);
    assert.equal(
      tidy(
        rateOf([
          { mid: 1.25, inverted: false },
          { mid: 150, inverted: false },
        ]),
      ),
      187.5,
    );
    assert.equal(
      tidy(
        rateOf([
          { mid: 1.25, inverted: false },
          { mid: 1.5, inverted: true },
        ]),
      ),
      tidy(1.25 / 1.5),
    );
  });
});
