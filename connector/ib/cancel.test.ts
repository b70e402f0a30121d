import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import { EventName } from "@stoqey/ib";
import { IbMcpError } from "../../shared/errors.ts";
import { createPacer } from "../pacing/index.ts";
import { InFlight } from "./in-flight.ts";
import type { IbLink } from "./link.ts";
import { createIbOrders } from "./requests/orders.ts";
import type { IbSession } from "./session.ts";

/** IB's side of one cancel: what the raw API emits when cancelOrder(id) is sent, in the given order. */
function ordersAnswering(events: (raw: EventEmitter, id: number) => void) {
  const raw = Object.assign(new EventEmitter(), {
    cancelOrder(id: number) {
      setImmediate(() => events(raw, id));
    },
  });
  const link = { raw, clientId: 7 } as unknown as IbLink;
  const session = { link: () => link, inFlight: new InFlight() } as unknown as IbSession;
  return createIbOrders(() => session, createPacer({ maxMarketDataLines: 10 }));
}

const scope = () => ({ signal: new AbortController().signal, deadlineAt: Date.now() + 2_000 });

describe("IbOrders.cancel: what IB says back", () => {
  it("the Cancelled status confirms it", async () => {
    const orders = ordersAnswering((raw, id) => raw.emit(EventName.orderStatus, id, "Cancelled", 0, 1, 0));
    assert.equal(await orders.cancel(5, scope()), "Cancelled");
  });

  it("IB's 202 notice arriving before the status confirms it; it is not a refusal", async () => {
    const orders = ordersAnswering((raw, id) => {
      raw.emit(EventName.error, new Error("Order Canceled - reason:"), 202, id);
      raw.emit(EventName.orderStatus, id, "Cancelled", 0, 1, 0);
    });
    assert.equal(await orders.cancel(6, scope()), "Cancelled");
  });

  it("an order IB reports as already cancelled (10148, state Cancelled) is cancelled", async () => {
    const orders = ordersAnswering((raw, id) =>
      raw.emit(
        EventName.error,
        new Error(`OrderId ${id} that needs to be cancelled cannot be cancelled, state: Cancelled.`),
        10148,
        id,
      ),
    );
    assert.equal(await orders.cancel(7, scope()), "Cancelled");
  });

  it("a filled order cannot be cancelled: IB's refusal comes back with its reason", async () => {
    const orders = ordersAnswering((raw, id) =>
      raw.emit(
        EventName.error,
        new Error(`OrderId ${id} that needs to be cancelled cannot be cancelled, state: Filled.`),
        10148,
        id,
      ),
    );
    await assert.rejects(orders.cancel(8, scope()), (err: unknown) => {
      assert.ok(err instanceof IbMcpError);
      assert.equal(err.code, "INVALID_ARGUMENT");
      assert.match(err.message, /state: Filled/);
      return true;
    });
  });
});
