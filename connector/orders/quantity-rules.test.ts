import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IbMcpError } from "../../shared/errors.ts";
import { assertOrderQuantity } from "./quantity-rules.ts";

const refusedNaming = (pattern: RegExp) => (err: unknown) =>
  err instanceof IbMcpError && err.code === "INVALID_ARGUMENT" && pattern.test(err.message);

describe("order quantities", () => {
  it("refuses fractions and dust even where IB's minimum size is a fraction, naming minimum and increment", () => {
    const stock = { minSize: 0.0001, sizeIncrement: 0.0001 };
    for (const q of [0.5, 1e-9, 1.5, 0])
      assert.throws(
        () => assertOrderQuantity(q, stock, "AAPL"),
        refusedNaming(/at least 1, in steps of 1 .*minimum size 0\.0001, size increment 0\.0001/),
      );
    for (const q of [1, 2, 100, 250]) assertOrderQuantity(q, stock, "AAPL");
  });

  it("applies IB's minimum and increment when they are above one", () => {
    const lots = { minSize: 100, sizeIncrement: 25 };
    assert.throws(() => assertOrderQuantity(50, lots, "X"), refusedNaming(/at least 100, in steps of 25/));
    assert.throws(() => assertOrderQuantity(110, lots, "X"), refusedNaming(/like 125/));
    assertOrderQuantity(100, lots, "X");
    assertOrderQuantity(125, lots, "X");
  });

  it("without contract size rules still takes whole units only", () => {
    assert.throws(() => assertOrderQuantity(0.5, {}, "X"), refusedNaming(/whole shares/));
    assertOrderQuantity(3, {}, "X");
  });
});
