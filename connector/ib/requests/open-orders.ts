import type { IbClient, SessionState } from "../client-types.ts";
import { type Call, general } from "../request.ts";
import { toOpenOrder } from "../state/rows.ts";

/**
 * Open orders of every client. From the session state when this client is IB's Master API client (IB pushes it
 * every client's order events); else asked of IB on each read, since IB pushes order events only to the client
 * that placed the order and a kept list would miss other clients' new and cancelled orders.
 */
export function openOrderRequests(call: Call, state: SessionState): Pick<IbClient, "openOrders"> {
  return {
    async openOrders(scope) {
      return (
        (await state.openOrders(scope)) ??
        call("open orders", general, scope, async (link) =>
          (await link.next.getAllOpenOrders()).map((o) =>
            toOpenOrder(o.orderId, o.contract, o.order, o.orderState, o.orderStatus),
          ),
        )
      );
    },
  };
}
