/**
 * As IB's Master API client the session hears other clients' order events under their own orderIds; a placement
 * must not take another client's order with the same number for its own. The simulator numbers orders across
 * clients (no two share an id), so IB's link is faked here: a unit test of the listeners.
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import { EventName, type Order, SecType } from "@stoqey/ib";
import { aaplOrder } from "../../../test-support.ts";
import type { IbLink } from "../../link.ts";
import { boundContractOf, contractOf, ibOrdersOf } from "./ib-orders-of.ts";
import { sendAndAwait } from "./send-and-await.ts";

const OURS = 31;
const OTHER = 77;
const bound = aaplOrder({ order_type: "LMT", limit_price: 200 });
const echoContract = {
  conId: 265598,
  symbol: "AAPL",
  secType: SecType.STK,
  exchange: "SMART",
  currency: "USD",
};

/** A link whose placeOrder makes IB answer: first another client's order of the same number, then ours. */
function fakeLink(cancelled: number[]): IbLink {
  const raw = new EventEmitter();
  const api = Object.assign(raw, {
    placeOrder(id: number, _c: unknown, order: Order) {
      setImmediate(() => {
        const theirs: Order = {
          ...order,
          action: "SELL" as Order["action"],
          totalQuantity: 500,
          clientId: OTHER,
        };
        raw.emit(EventName.openOrder, id, echoContract, theirs, { status: "Submitted" });
        raw.emit(EventName.orderStatus, id, "Submitted", 0, 500, 0, 9001, 0, 0, OTHER);
        const echo: Order = { ...order, auxPrice: 0, clientId: OURS, permId: 9002 };
        raw.emit(EventName.openOrder, id, echoContract, echo, { status: "Submitted" });
        raw.emit(EventName.orderStatus, id, "Submitted", 0, 1, 0, 9002, 0, 0, OURS);
      });
    },
    cancelOrder(id: number) {
      cancelled.push(id);
      setImmediate(() => raw.emit(EventName.orderStatus, id, "Cancelled", 0, 1, 0, 9002, 0, 0, OURS));
    },
  });
  return { clientId: OURS, raw: api } as unknown as IbLink;
}

describe("order listeners as IB's Master API client", () => {
  it("a placement ignores another client's order of the same number and checks the echo of its own", async () => {
    const cancelled: number[] = [];
    const link = fakeLink(cancelled);
    const orders = ibOrdersOf(bound, "ibmcp-01", 5);
    const scope = { signal: new AbortController().signal, deadlineAt: Date.now() + 10_000 };
    const report = await sendAndAwait(
      link,
      scope,
      orders,
      contractOf(bound),
      boundContractOf(bound),
      "BUY 1 AAPL",
    );
    assert.equal(report.orderId, 5);
    assert.equal(report.permId, 9002, "the status read is our order's");
    assert.equal(report.remaining, 1);
    assert.deepEqual(cancelled, [], "nothing was cancelled");
  });
});
