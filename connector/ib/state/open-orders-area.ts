import { type Contract, EventName, type Order, type OrderState } from "@stoqey/ib";
import type { OpenOrder } from "../client-types.ts";
import type { Handler } from "../request.ts";
import type { AreaSpec } from "./live-area.ts";
import { type OrderStatusFields, toOpenOrder } from "./rows.ts";

/** Statuses after which IB no longer lists an order as open. */
const DONE = new Set(["Filled", "Cancelled", "ApiCancelled", "Inactive"]);

interface Held {
  orderId: number;
  contract: Contract;
  order: Order;
  state: OrderState;
  status?: OrderStatusFields;
}

/**
 * Every client's working orders, from one reqAllOpenOrders (ended by openOrderEnd) and then IB's openOrder and
 * orderStatus pushes. Kept only when this client is IB's Master API client: IB pushes order events to the client
 * that placed an order and to the master, so any other client would miss other clients' new and cancelled orders.
 *
 * Keyed by permId: the orderId is numbered per client (two clients can both have an order 5) and TWS orders have
 * none of their own, while the permId is IB's one id per order across clients and sessions. An event without a
 * permId (a what-if preview, which IB does not keep) is not an open order. An order leaves the list when a status
 * says it is done (Filled, Cancelled, ApiCancelled, Inactive), as a new reqAllOpenOrders would not list it.
 */
export function openOrdersArea(master: boolean) {
  const byPermId = new Map<number, Held>();
  const spec: AreaSpec = {
    name: "open orders",
    applies: () => master,
    reset: () => byPermId.clear(),
    counts: () => ({ orders: byPermId.size }),
    open(link, _accounts, ended, changed) {
      const onOpen = (orderId: number, contract: Contract, order: Order, state: OrderState) => {
        const permId = order.permId ?? 0;
        if (permId <= 0 || order.whatIf) return;
        const status = String(state.status ?? "");
        if (DONE.has(status)) byPermId.delete(permId);
        else byPermId.set(permId, { orderId, contract, order, state, status: byPermId.get(permId)?.status });
        changed();
      };
      const onStatus = (
        _orderId: number,
        status: string,
        filled: number,
        remaining: number,
        avgFillPrice: number,
        permId?: number,
      ) => {
        const held = byPermId.get(permId ?? 0);
        if (DONE.has(status)) byPermId.delete(permId ?? 0);
        // a status before its openOrder has no contract to show: the openOrder that follows brings the order
        else if (held) held.status = { status, filled, remaining, avgFillPrice };
        else return;
        changed();
      };
      return {
        events: [
          [EventName.openOrder, onOpen as Handler],
          [EventName.orderStatus, onStatus as Handler],
          // openOrderEnd names no request: another reqAllOpenOrders (an order tool's) can end the sync a moment
          // early; the listeners stay on, and the download this sync asked for follows and completes the list
          [EventName.openOrderEnd, ended as Handler],
        ],
        send: () => link.raw.reqAllOpenOrders(),
        cancel: () => undefined, // a one-shot download; the master's pushes need no subscription
      };
    },
  };
  return {
    spec,
    rows: (): OpenOrder[] =>
      [...byPermId.values()].map((h) => toOpenOrder(h.orderId, h.contract, h.order, h.state, h.status)),
  };
}
