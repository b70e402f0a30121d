import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IbMcpError } from "../../shared/errors.ts";
import { OrderRequest } from "../../shared/schemas/order.ts";
import { assertOrderShape, bindOrder } from "./bind-order.ts";

const req = (o: Record<string, unknown>) =>
  OrderRequest.parse({ symbol: "AAPL", side: "SELL", quantity: 2, ...o });
const contract = { conId: 265598, symbol: "AAPL", secType: "STK", currency: "USD" };
const refused = (o: Record<string, unknown>, pattern: RegExp) =>
  assert.throws(
    () => assertOrderShape(req(o)),
    (e: unknown) => e instanceof IbMcpError && e.code === "INVALID_ARGUMENT" && pattern.test(e.message),
  );

describe("binding trailing stops and the Adaptive algo", () => {
  it("binds a trailing stop's amount or percent and TRAIL LIMIT's offset; the notional is at the last price", () => {
    const t = req({ order_type: "TRAIL LIMIT", trailing_percent: 1.5, limit_offset: 0.2 });
    assertOrderShape(t);
    const o = bindOrder(t, "DU1", contract, 200);
    assert.equal(o.trailing_percent, 1.5);
    assert.equal(o.limit_offset, 0.2);
    assert.equal(o.trailing_amount, undefined);
    assert.equal(o.notional, 400);
  });

  it("binds Adaptive with Normal priority when none is given", () => {
    const a = req({ order_type: "MKT", algo: "Adaptive" });
    assertOrderShape(a);
    assert.equal(bindOrder(a, "DU1", contract, 200).algo_priority, "Normal");
    assert.equal(
      bindOrder(req({ order_type: "MKT", algo: "Adaptive", algo_priority: "Urgent" }), "DU1", contract, 1)
        .algo_priority,
      "Urgent",
    );
  });

  it("refuses each malformed combination, naming the field", () => {
    refused({ order_type: "TRAIL" }, /TRAIL orders need exactly one of trailing_amount and trailing_percent/);
    refused({ order_type: "TRAIL", trailing_amount: 1, trailing_percent: 1 }, /exactly one of/);
    refused({ order_type: "TRAIL", trailing_amount: 1, stop_price: 5 }, /take no limit_price or stop_price/);
    refused({ order_type: "TRAIL LIMIT", trailing_amount: 1 }, /TRAIL LIMIT orders need limit_offset/);
    refused(
      { order_type: "TRAIL", trailing_amount: 1, limit_offset: 1 },
      /TRAIL orders take no limit_offset/,
    );
    refused(
      { order_type: "LMT", limit_price: 5, trailing_amount: 1 },
      /trailing_amount and trailing_percent are for TRAIL/,
    );
    refused(
      { order_type: "STP", stop_price: 5, algo: "Adaptive" },
      /Adaptive algo works MKT and LMT orders only, not STP/,
    );
    refused({ order_type: "MKT", algo_priority: "Urgent" }, /algo_priority needs algo "Adaptive"/);
    refused(
      { order_type: "LMT", limit_price: 5, algo: "Adaptive", take_profit_price: 4, stop_loss_price: 6 },
      /not sent on brackets/,
    );
    assert.equal(
      OrderRequest.safeParse({ symbol: "A", side: "BUY", quantity: 1, algo: "Vwap" }).success,
      false,
    );
  });
});

describe("binding an OCA group", () => {
  const group = {
    order_type: "LMT",
    limit_price: 210,
    oca_orders: [
      { order_type: "STP", stop_price: 190 },
      { order_type: "TRAIL", trailing_percent: 2 },
    ],
  };

  it("binds the group's orders and type; the notional is at its dearest leg", () => {
    const r = req(group);
    assertOrderShape(r);
    const o = bindOrder(r, "DU1", contract, 200);
    assert.equal(o.oca_orders?.length, 2);
    assert.equal(o.oca_type, "cancel");
    assert.equal(o.notional, 420);
  });

  it("refuses a malformed leg naming it, a group with a bracket, and a group modification", () => {
    refused({ ...group, oca_orders: [{ order_type: "STP" }] }, /oca_orders\[0\]: STP orders need stop_price/);
    refused(
      { ...group, oca_orders: [{ order_type: "STP", stop_price: 1 }, { order_type: "TRAIL" }] },
      /oca_orders\[1\]: TRAIL orders need exactly one of/,
    );
    refused(
      { ...group, take_profit_price: 220, stop_loss_price: 190, side: "BUY" },
      /oca_orders or a bracket, not both/,
    );
    refused({ ...group, modify_order_id: 5 }, /not an OCA group/);
    assert.equal(
      OrderRequest.safeParse({ ...group, symbol: "A", side: "BUY", quantity: 1, oca_orders: [] }).success,
      false,
    );
  });
});

describe("binding a combo (BAG)", () => {
  const legs = [
    { expiry: "20300118", strike: 100, right: "C", action: "BUY" },
    { expiry: "20300118", strike: 110, right: "C", action: "SELL" },
  ];
  const combo = { sec_type: "BAG", order_type: "LMT", limit_price: 3.2, legs };

  it("binds the resolved legs; the notional is the net price × 100 per combo", () => {
    const r = req(combo);
    assertOrderShape(r);
    assert.equal(r.legs?.[0]?.ratio, 1, "a leg's ratio defaults to 1");
    const bagContract = { conId: 0, symbol: "AAPL", secType: "BAG", currency: "USD", multiplier: "100" };
    const bound = [
      { conId: 1, ratio: 1, action: "BUY" as const, exchange: "SMART" },
      { conId: 2, ratio: 1, action: "SELL" as const, exchange: "SMART" },
    ];
    const o = bindOrder(r, "DU1", bagContract, 3.1, bound);
    assert.deepEqual(o.combo_legs, bound);
    assert.equal(o.notional, 640);
  });

  it("refuses a combo without legs, legs without BAG, a market combo, part combos and extras", () => {
    refused({ ...combo, legs: undefined }, /BAG orders need legs/);
    refused({ order_type: "MKT", legs }, /legs make a combo; set sec_type BAG \(not STK\)/);
    refused({ ...combo, order_type: "MKT", limit_price: undefined }, /BAG orders are LMT/);
    refused({ ...combo, quantity: 1.5 }, /whole number of combos/);
    refused({ ...combo, conId: 5, symbol: undefined }, /underlying symbol, not a conId/);
    refused({ ...combo, algo: "Adaptive" }, /BAG orders take no algo/);
    refused({ ...combo, option: legs[0] }, /pick their options in legs, not option/);
    const one = OrderRequest.safeParse({
      symbol: "A",
      side: "BUY",
      quantity: 1,
      ...combo,
      legs: legs.slice(0, 1),
    });
    assert.equal(one.success, false, "a combo has at least 2 legs");
  });
});
