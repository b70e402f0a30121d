import { IbMcpError } from "../../shared/errors.ts";
import type { OrderOutcome } from "../../shared/schemas/order.ts";
import type { RequestScope } from "../ib/client.ts";
import type { OrderReport } from "../ib/orders.ts";
import type { TradingDesk } from "./desk.ts";
import { assertWithinLimits, checkLimits } from "./limits.ts";
import { assertNotExpired, type VerifiedToken } from "./token.ts";

function outcomeOf(r: OrderReport, orderRef: string, replayed: boolean): OrderOutcome {
  const o: OrderOutcome = {
    order_id: r.orderId,
    child_order_ids: r.childOrderIds,
    order_ref: orderRef,
    status: r.status,
    filled: r.filled,
    remaining: r.remaining,
    replayed,
  };
  if (r.avgFillPrice !== undefined) o.avg_fill_price = r.avgFillPrice;
  if (r.permId !== undefined) o.perm_id = r.permId;
  return o;
}

/**
 * Places (or, with modify_order_id, modifies) the order a verified token binds, at most once: the same token
 * again answers the first outcome. Before anything is sent, the journal (ids written before the first send) and IB
 * (open orders and executions, by orderRef or the journal's id) are asked: a restarted connector, or a try whose
 * answer was lost, finds the order there instead of sending it twice.
 */
export function placeBound(desk: TradingDesk, t: VerifiedToken, scope: RequestScope): Promise<OrderOutcome> {
  const o = t.payload.order;
  return desk.once(t.orderRef, async () => {
    if (o.modify_order_id === undefined) {
      const sent = await desk.journal.get(t.orderRef);
      const existing = await desk.orders.findByRef(t.orderRef, scope, sent?.orderId);
      if (existing) return outcomeOf(existing, t.orderRef, true);
      if (sent)
        throw new IbMcpError(
          "INVALID_ARGUMENT",
          `this token was already sent as order ${sent.orderId}, and IB shows no working order or fill for it (cancelled, rejected, or lost before IB got it); it is not sent again. Check the open orders, then preview a new order if you still want one`,
        );
    }
    assertNotExpired(t.payload);
    // the daily cap may have been used up since the preview
    assertWithinLimits(checkLimits(desk.config, o, o.reference_price, desk.dailyUsed()));
    const undo = desk.reserve(o.notional);
    try {
      const report =
        o.modify_order_id === undefined
          ? await desk.orders.place(o, t.orderRef, scope, (ids) =>
              desk.journal.put(t.orderRef, { orderId: ids[0] ?? 0, childOrderIds: ids.slice(1) }),
            )
          : await desk.orders.modify(o.modify_order_id, o, t.orderRef, scope);
      return outcomeOf(report, t.orderRef, false);
    } catch (err) {
      // a definite refusal by IB frees the notional; a lost answer keeps it counted (the order may exist)
      if (err instanceof IbMcpError && (err.code === "INVALID_ARGUMENT" || err.code === "NOT_FOUND")) undo();
      throw err;
    }
  });
}
