import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkPrice, groupRules } from "./get-market-rule.ts";

describe("market rule conversion", () => {
  it("pairs each rule id with its exchange, asking each id once", () => {
    assert.deepEqual(groupRules("32,109,109", "SMART,AMEX,CBOE"), [
      { ruleId: 32, exchanges: ["SMART"] },
      { ruleId: 109, exchanges: ["AMEX", "CBOE"] },
    ]);
  });

  it("lets exchanges without an id of their own follow the first rule", () => {
    assert.deepEqual(groupRules("26", "SMART,NYSE,ARCA"), [
      { ruleId: 26, exchanges: ["SMART", "NYSE", "ARCA"] },
    ]);
  });

  it("picks the increment of the price's band and the valid prices either side", () => {
    const rule = [
      { lowEdge: 0, increment: 0.05 },
      { lowEdge: 3, increment: 0.1 },
    ];
    assert.deepEqual(checkPrice(rule, 2.97), { increment: 0.05, valid: false, below: 2.95, above: 3 });
    assert.deepEqual(checkPrice(rule, 3.3), { increment: 0.1, valid: true, below: 3.3, above: 3.3 });
    assert.deepEqual(checkPrice(rule, 12.34), { increment: 0.1, valid: false, below: 12.3, above: 12.4 });
  });

  it("keeps sub-cent increments exact", () => {
    assert.deepEqual(checkPrice([{ lowEdge: 0, increment: 0.00005 }], 1.084321), {
      increment: 0.00005,
      valid: false,
      below: 1.0843,
      above: 1.08435,
    });
  });
});
