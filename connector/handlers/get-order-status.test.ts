import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CompletedOrderInfo, Execution, OpenOrder } from "../ib/client.ts";
import { orderStatuses } from "./get-order-status.ts";

const contract = { conId: 265598, symbol: "AAPL", secType: "STK", currency: "USD" };
const exec = (
  orderId: number,
  permId: number,
  shares: number,
  price: number,
  commission?: number,
): Execution => ({
  execId: `e${orderId}.${shares}.${price}`,
  orderId,
  permId,
  account: "DU1",
  contract,
  time: "20261130 10:00:00 US/Eastern",
  side: "BOT",
  shares,
  price,
  ...(commission !== undefined ? { commission } : {}),
});

describe("order status from open orders, completed orders and executions", () => {
  it("joins a completed order (no orderId from IB) with its fills by permId: size-weighted average and commission", () => {
    const completed: CompletedOrderInfo = {
      permId: 77,
      orderRef: "ref-a",
      contract,
      action: "BUY",
      totalQuantity: 3,
      orderType: "MKT",
      status: "Filled",
      filled: 3,
    };
    const [s] = orderStatuses(
      [],
      [completed],
      [exec(5, 77, 1, 100, 1), exec(5, 77, 2, 103, 0.5), exec(6, 78, 9, 1)],
    );
    assert.equal(s?.orderId, 5, "the id the fills name");
    assert.equal(s?.avgFillPrice, 102);
    assert.equal(s?.commission, 1.5);
    assert.equal(s?.remaining, 0);
    assert.equal(s?.working, false);
    assert.equal(s?.executions.length, 2);
  });

  it("reports a working order once, even when IB also lists it as completed, with IB's own fill figures", () => {
    const open: OpenOrder = {
      orderId: 9,
      permId: 90,
      contract,
      action: "SELL",
      totalQuantity: 10,
      orderType: "LMT",
      limitPrice: 200,
      status: "Submitted",
      filled: 4,
      remaining: 6,
      avgFillPrice: 200.5,
    };
    const stale: CompletedOrderInfo = { ...open, status: "Filled", filled: 4 };
    const out = orderStatuses([open], [stale], [exec(9, 90, 4, 200.25)]);
    assert.equal(out.length, 1);
    assert.equal(out[0]?.working, true);
    assert.equal(out[0]?.remaining, 6);
    assert.equal(out[0]?.avgFillPrice, 200.5);
  });
});
