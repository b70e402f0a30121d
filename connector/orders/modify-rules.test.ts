import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IbMcpError } from "../../shared/errors.ts";
import type { BoundOrder } from "../../shared/schemas/order.ts";
import type { WorkingOrder } from "../ib/requests/orders.ts";
import { assertModifiable } from "./modify-rules.ts";

const working: WorkingOrder = {
  orderId: 7,
  placedByThisClient: true,
  status: "Submitted",
  contract: { conId: 265598, symbol: "AAPL", secType: "STK", exchange: "SMART", currency: "USD" },
  side: "BUY",
  orderType: "LMT",
  quantity: 1,
  limitPrice: 200,
  tif: "DAY",
  outsideRth: false,
  account: "DU111",
  orderRef: "ibmcp-0011223344556677",
  parentId: 0,
  childOrderIds: [],
  algo: "",
  ocaGroup: "",
};
const change: BoundOrder = {
  conId: 265598,
  symbol: "AAPL",
  sec_type: "STK",
  exchange: "SMART",
  currency: "USD",
  multiplier: 1,
  side: "BUY",
  quantity: 3,
  order_type: "LMT",
  limit_price: 201,
  tif: "GTC",
  outside_rth: false,
  account: "DU111",
  modify_order_id: 7,
  reference_price: 201,
  notional: 603,
};

const refused = (pattern: RegExp) => (err: unknown) =>
  err instanceof IbMcpError && err.code === "INVALID_ARGUMENT" && pattern.test(err.message);

describe("what a modification may change", () => {
  it("price, quantity and time in force", () => {
    assert.equal(assertModifiable(change, 7, working), working);
  });

  it("not the contract, side, order type, account or outside_rth, naming each change", () => {
    const msft = { ...change, conId: 272093, symbol: "MSFT", side: "SELL" as const, quantity: 5 };
    assert.throws(
      () => assertModifiable(msft, 7, working),
      refused(
        /only the limit or stop price, the quantity and the time in force.*conId 265598 → 272093, symbol AAPL → MSFT, side BUY → SELL/,
      ),
    );
    const cases: Array<[Partial<BoundOrder>, RegExp]> = [
      [{ order_type: "MKT", limit_price: undefined }, /order_type LMT → MKT/],
      [{ account: "DU222" }, /account DU111 → DU222/],
      [{ outside_rth: true }, /outside_rth false → true/],
      [{ currency: "EUR" }, /currency USD → EUR/],
      [{ exchange: "ISLAND" }, /exchange SMART → ISLAND/],
      [{ sec_type: "OPT" }, /sec_type STK → OPT/],
    ];
    for (const [c, pattern] of cases)
      assert.throws(() => assertModifiable({ ...change, ...c }, 7, working), refused(pattern));
  });

  it("not the quantity of a bracket leg (its bracket's sizes would no longer match)", () => {
    assert.throws(
      () => assertModifiable(change, 7, { ...working, childOrderIds: [8, 9] }),
      refused(/quantity of a bracket leg 1 → 3/),
    );
    assertModifiable({ ...change, quantity: 1 }, 8, { ...working, orderId: 8, parentId: 7 });
  });

  it("not an order's algo, nor a leg of an OCA group (the change would take it out of its group)", () => {
    assert.throws(
      () => assertModifiable({ ...change, algo: "Adaptive", algo_priority: "Normal" }, 7, working),
      refused(/algo \(none\) → Adaptive/),
    );
    assert.throws(
      () => assertModifiable(change, 7, { ...working, algo: "Adaptive" }),
      refused(/algo Adaptive → \(none\)/),
    );
    assert.throws(
      () => assertModifiable(change, 7, { ...working, ocaGroup: "ibmcp-00aa" }),
      refused(/OCA group membership ibmcp-00aa → \(none\)/),
    );
  });

  it("refuses an order that is not working, or not placed through this server and client", () => {
    assert.throws(() => assertModifiable(change, 7, undefined), refused(/not a working order/));
    assert.throws(
      () => assertModifiable(change, 7, { ...working, orderRef: "manual" }),
      refused(/not placed through this server/),
    );
    assert.throws(
      () => assertModifiable(change, 7, { ...working, placedByThisClient: false }),
      refused(/another IB client/),
    );
  });
});
