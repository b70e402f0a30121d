import type { HandlerFn } from "../connection.ts";
import { sendCompletedOrder } from "../orders/completed-order-message.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";
import { findByConId } from "../universe/instruments.ts";

/** reqCompletedOrders: today's filled and cancelled orders of every client (all are API orders here), then the end. */
export const reqCompletedOrders: HandlerFn = (conn, r) => {
  r.bool(); // apiOnly
  const done = [...conn.core.orders.values()]
    .filter((o) => o.status === "Filled" || o.status === "Cancelled")
    .sort((a, b) => (a.completedAt ?? 0) - (b.completedAt ?? 0));
  for (const o of done) {
    const i = findByConId(o.conId);
    if (!i) continue;
    sendCompletedOrder(conn, o, i, o.parentId ? conn.core.orders.get(o.parentId)?.permId : 0);
  }
  conn.send(ServerMsg.completedOrdersEnd);
};
