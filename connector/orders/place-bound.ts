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
 * Places (or, with modify_order_id, modifies) the order a verified token binds, at most once. Before anything is
 * sent, the journal (ids written before the first send, a modification under the order it changes) and IB (open
 * orders and executions, by orderRef or the journal's id) are asked: the same token again, from this process, a
 * restarted one or another connector, answers the order's current state at IB instead of sending it twice.
 */
export function placeBound(desk: TradingDesk, t: VerifiedToken, scope: RequestScope): Promise<OrderOutcome> {
  const o = t.payload.order;
  return desk.once(t.orderRef, async () => {
    const sent = await desk.journal.get(t.orderRef);
    if (o.modify_order_id === undefined || sent) {
      const existing = await desk.orders.findByRef(t.orderRef, scope, sent?.orderId);
      if (existing) return outcomeOf(existing, t.orderRef, true);
    }
    if (sent)
      throw new IbMcpError(
        "INVALID_ARGUMENT",
        `this token was already sent as order ${sent.orderId}, and IB shows no working order or fill for it (cancelled, rejected, or lost before IB got it); it is not sent again. Check the open orders, then preview a new order if you still want one`,
      );
    assertNotExpired(t.payload);
    // the daily cap may have been used up since the preview
    assertWithinLimits(checkLimits(desk.config, o, o.reference_price, await desk.dailyUsed()));
    const undo = await desk.reserve(o.notional);
    try {
      const journal = (ids: number[]) =>
        desk.journal.put(t.orderRef, { orderId: ids[0] ?? 0, childOrderIds: ids.slice(1) });
      let report: OrderReport;
      if (o.modify_order_id === undefined) report = await desk.orders.place(o, t.orderRef, scope, journal);
      else {
        await journal([o.modify_order_id]);
        report = await desk.orders.modify(o.modify_order_id, o, t.orderRef, scope);
      }
      return outcomeOf(report, t.orderRef, false);
    } catch (err) {
      // a definite refusal by IB frees the notional; a lost answer keeps it counted (the order may exist)
      if (err instanceof IbMcpError && (err.code === "INVALID_ARGUMENT" || err.code === "NOT_FOUND"))
        await undo().catch(() => undefined);
      throw err;
    }
  });
}
