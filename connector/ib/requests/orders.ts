import { EventName, type Order } from "@stoqey/ib";
import type { Pacer } from "../../pacing/index.ts";
import type { IbLink } from "../link.ts";
import { awaitEvents, createCall, general, type Handler, type RequestScope } from "../request.ts";
import type { IbSession } from "../session.ts";
import { assertWireArgs } from "../wire-guarded-api.ts";
import { cancelAllOn } from "./orders/cancel-all.ts";
import { findByRefOn, workingOn } from "./orders/find-orders.ts";
import { boundContractOf, contractOf, ibOrdersOf } from "./orders/ib-orders-of.ts";
import { lastPriceOn } from "./orders/last-price.ts";
import { createOrderIds } from "./orders/order-ids.ts";
import { orderErrors } from "./orders/order-rejections.ts";
import { ownOrderStatus } from "./orders/own-events.ts";
import { sendAndAwait } from "./orders/send-and-await.ts";
import type { IbOrders } from "./orders/types.ts";
import { whatIfOn } from "./orders/what-if.ts";

export { OrderEchoMismatch } from "./orders/echo-check.ts";
export { ibOrdersOf } from "./orders/ib-orders-of.ts";
export type {
  BoundContract,
  IbOrders,
  OrderReport,
  SendHooks,
  WhatIf,
  WorkingOrder,
} from "./orders/types.ts";

/**
 * The IB order calls over the one paced-call primitive (request.ts): paced as general messages, failed on
 * disconnect, one order send at a time.
 */
export function createIbOrders(currentSession: () => IbSession, pacer: Pacer): IbOrders {
  const paced = createCall(currentSession, pacer);
  const { exclusive, nextIds } = createOrderIds();
  const call = <T>(subject: string, scope: RequestScope, work: (link: IbLink) => Promise<T>) =>
    paced(subject, general, scope, work);
  return {
    lastPrice(conId, exchange, scope) {
      return paced(`conId ${conId}`, { kind: "marketData" }, scope, (link) =>
        lastPriceOn(link, conId, exchange),
      );
    },

    whatIf(o, scope) {
      const subject = `${o.symbol} (conId ${o.conId})`;
      return call(subject, scope, (link) =>
        exclusive(async () => whatIfOn(link, scope, await nextIds(link, 1), o, subject)),
      );
    },

    place(o, orderRef, scope, hooks = {}) {
      const subject = `${o.side} ${o.quantity} ${o.symbol}`;
      return call(subject, scope, (link) =>
        exclusive(async () => {
          const count = ibOrdersOf(o, orderRef, 0).length;
          const numbered = ibOrdersOf(o, orderRef, await nextIds(link, count));
          // every leg passes the wire guard before the journal records it as sent or any leg leaves: a refused
          // token must answer the guard's error on a retry, not "already sent", and no bracket goes out half
          for (const [id, order] of numbered) assertWireArgs("placeOrder", [id, contractOf(o), order]);
          await hooks.beforeSend?.(numbered.map(([id]) => id));
          const bound = boundContractOf(o);
          return sendAndAwait(link, scope, numbered, contractOf(o), bound, subject, hooks.onEchoMismatch);
        }),
      );
    },

    modify(orderId, o, orderRef, scope, opts = {}) {
      const subject = `order ${orderId}`;
      const single = { ...o, take_profit_price: undefined, stop_loss_price: undefined };
      const [[, order]] = ibOrdersOf(single, orderRef, orderId) as [[number, Order]];
      // a bracket leg stays under its parent: without parentId IB would detach it
      const leg: [number, Order] = [orderId, { ...order, parentId: opts.parentId || undefined }];
      const bound = boundContractOf(o);
      assertWireArgs("placeOrder", [orderId, contractOf(o), leg[1]]);
      return call(subject, scope, (link) =>
        sendAndAwait(link, scope, [leg], contractOf(o), bound, subject, opts.onEchoMismatch),
      );
    },

    working(orderId, scope) {
      return call(`order ${orderId}`, scope, (link) => workingOn(link, orderId));
    },

    findByRef(orderRef, scope, orderId) {
      return call(`orderRef ${orderRef}`, scope, (link) => findByRefOn(link, orderRef, orderId));
    },

    cancel(orderId, scope) {
      const subject = `order ${orderId}`;
      // IB's "Order Canceled - reason:" notice, and "cannot be cancelled, state: ..." for a finished order
      const ORDER_CANCELLED_NOTICE = 202;
      const NOT_CANCELLABLE = 10148;
      return call(subject, scope, (link) =>
        awaitEvents<string>(link, scope, orderErrors([orderId], subject), (settle) => {
          const onStatus = ownOrderStatus(link, (id: number, status: string) => {
            if (id === orderId && /cancel/i.test(status)) settle(status);
          });
          // IB may confirm with its 202 notice before the status, and answers 10148 for an order already
          // cancelled: both mean the order is cancelled, not that the cancel was refused. (Listed before the
          // generic order-error listener, so they win over it.)
          const onNotice = (err: Error, code: number, id: number) => {
            if (id !== orderId) return;
            if (code === ORDER_CANCELLED_NOTICE) settle("Cancelled");
            else if (code === NOT_CANCELLABLE && /state:\s*(Api)?Cancell?ed/i.test(err.message))
              settle("Cancelled");
          };
          return {
            events: [
              [EventName.orderStatus, onStatus as Handler],
              [EventName.error, onNotice as Handler],
            ],
            send: () => link.raw.cancelOrder(orderId),
          };
        }),
      );
    },

    cancelAll(scope) {
      return call("every working order", scope, (link) => cancelAllOn(link, scope));
    },
  };
}
