import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { earliestFit, fits, insertSorted, prune } from "./window.ts";

describe("sliding window arithmetic", () => {
  it("finds the first time a send fits, including a gap between reserved sends", () => {
    // limit 2 per 10: sends at 0 and 1 fill [0, 10); a reservation at 20 leaves [10, 20) for one more
    assert.equal(earliestFit([0, 1, 20], 5, 1, 2, 10), 10);
    // with sends at 0, 1, 12, 13 the gap closes: 10 and 11 would join 12 and 13 in one window
    assert.equal(earliestFit([0, 1, 12, 13], 5, 1, 2, 10), 22);
    assert.equal(earliestFit([], 7, 1, 2, 10), 7);
  });

  it("treats the window as half-open and counts weights", () => {
    assert.equal(fits([0], 10, 1, 1, 10), true);
    assert.equal(fits([0], 9.5, 1, 1, 10), false);
    assert.equal(fits([0], 5, 2, 2, 10), false);
    assert.equal(earliestFit([0], 0, 2, 3, 10), 0);
    assert.equal(earliestFit([0], 0, 2, 2, 10), 10);
    assert.equal(fits([], 0, 3, 2, 10), false);
  });

  it("keeps lists sorted and forgets sends that can no longer matter", () => {
    const list = [1, 5];
    insertSorted(list, 3, 2);
    assert.deepEqual(list, [1, 3, 3, 5]);
    prune(list, 13, 10);
    assert.deepEqual(list, [5]);
  });
});
