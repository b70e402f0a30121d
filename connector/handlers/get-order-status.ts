import { IbMcpError } from "../../shared/errors.ts";
import type { ToolOutput } from "../../shared/tool-def.ts";
import { getOrderStatus } from "../../shared/tools/get-order-status.ts";
import type { CompletedOrderInfo, Execution, OpenOrder } from "../ib/client.ts";
import { defineHandler } from "./context.ts";
import { withOrderIds } from "./get-completed-orders.ts";

type Status = ToolOutput<typeof getOrderStatus>["orders"][number];

const round = (n: number, places: number) => Number(n.toFixed(places));

/** The fills of one order, and what they add up to: the average price and the commission paid. */
function fillsOf(execs: Execution[]): Pick<Status, "executions" | "avgFillPrice" | "commission"> {
  const executions = execs.map((e) => ({
    execId: e.execId,
    time: e.time,
    shares: e.shares,
    price: e.price,
    ...(e.commission !== undefined ? { commission: e.commission } : {}),
  }));
  const shares = execs.reduce((s, e) => s + e.shares, 0);
  const paid = execs.filter((e) => e.commission !== undefined);
  return {
    executions,
    ...(shares > 0
      ? { avgFillPrice: round(execs.reduce((s, e) => s + e.shares * e.price, 0) / shares, 6) }
      : {}),
    ...(paid.length > 0
      ? {
          commission: round(
            paid.reduce((s, e) => s + (e.commission ?? 0), 0),
            6,
          ),
        }
      : {}),
  };
}

/**
 * One status per order from what IB reports about it: a working order's open-order row, or a completed order's
 * row, each joined with its executions (by orderId, or permId where IB names no orderId).
 */
export function orderStatuses(
  open: OpenOrder[],
  completed: CompletedOrderInfo[],
  execs: Execution[],
): Status[] {
  const fillsFor = (orderId?: number, permId?: number) =>
    execs.filter(
      (e) =>
        (permId !== undefined && e.permId === permId) ||
        (orderId !== undefined && orderId > 0 && e.orderId === orderId),
    );
  const working: Status[] = open.map((o) => {
    const fills = fillsOf(fillsFor(o.orderId, o.permId));
    const filled = o.filled ?? 0;
    return {
      orderId: o.orderId,
      ...(o.permId !== undefined ? { permId: o.permId } : {}),
      ...(o.orderRef ? { orderRef: o.orderRef } : {}),
      contract: o.contract,
      action: o.action,
      totalQuantity: o.totalQuantity,
      orderType: o.orderType,
      ...(o.limitPrice !== undefined ? { limitPrice: o.limitPrice } : {}),
      status: o.status,
      working: true,
      filled,
      remaining: o.remaining ?? o.totalQuantity - filled,
      ...fills,
      ...(o.avgFillPrice !== undefined ? { avgFillPrice: o.avgFillPrice } : {}),
    };
  });
  const done: Status[] = completed
    .filter((c) => !open.some((o) => c.permId !== undefined && o.permId === c.permId))
    .map((c) => {
      const fills = fillsFor(c.orderId, c.permId);
      const orderId = c.orderId ?? fills[0]?.orderId;
      return {
        ...(orderId !== undefined ? { orderId } : {}),
        ...(c.permId !== undefined ? { permId: c.permId } : {}),
        ...(c.orderRef ? { orderRef: c.orderRef } : {}),
        contract: c.contract,
        action: c.action,
        totalQuantity: c.totalQuantity,
        orderType: c.orderType,
        ...(c.limitPrice !== undefined ? { limitPrice: c.limitPrice } : {}),
        status: c.status,
        working: false,
        filled: c.filled,
        remaining: round(c.totalQuantity - c.filled, 8),
        ...(c.completedTime ? { completedTime: c.completedTime } : {}),
        ...fillsOf(fills),
      };
    });
  return [...working, ...done];
}

export const getOrderStatusHandler = defineHandler(getOrderStatus, async (args, ctx) => {
  if ((args.order_id === undefined) === (args.order_ref === undefined))
    throw new IbMcpError(
      "INVALID_ARGUMENT",
      "give exactly one of order_id (IB's order id) or order_ref (the order_ref place_order returned)",
    );
  const [open, completed, execs] = await Promise.all([
    ctx.ib.openOrders(ctx),
    ctx.ib.completedOrders(ctx).then((c) => withOrderIds(c, ctx)),
    ctx.ib.executions(ctx),
  ]);
  const orders = orderStatuses(open, completed, execs).filter((o) =>
    args.order_id !== undefined ? o.orderId === args.order_id : o.orderRef === args.order_ref,
  );
  if (orders.length === 0)
    throw new IbMcpError(
      "NOT_FOUND",
      `no order ${args.order_id !== undefined ? `with order_id ${args.order_id}` : `with order_ref "${args.order_ref}"`} is working or completed today; get_open_orders and get_completed_orders list them`,
    );
  return { orders };
});
