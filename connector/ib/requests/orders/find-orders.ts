import type { Order } from "@stoqey/ib";
import type { IbLink } from "../../link.ts";
import { num } from "./ib-orders-of.ts";
import type { OrderReport, WorkingOrder } from "./types.ts";

const finished = /^(Filled|Cancelled|ApiCancelled|Inactive)$/;

/** An order carrying orderRef (or with orderId) among IB's open orders, else among today's executions. */
export async function findByRefOn(
  link: IbLink,
  orderRef: string,
  orderId?: number,
): Promise<OrderReport | undefined> {
  const open = await link.next.getAllOpenOrders();
  // by orderRef where IB echoes it, and by the journal's order id (same clientId) where it does not
  const isParent = (x: { orderId: number; order: Order }) =>
    x.order.orderRef === orderRef || (orderId !== undefined && x.orderId === orderId);
  const mine = open.filter(
    (x) =>
      isParent(x) ||
      x.order.orderRef?.startsWith(`${orderRef}-`) ||
      (orderId !== undefined && x.order.parentId === orderId),
  );
  const parent = mine.find(isParent);
  if (parent) {
    return {
      orderId: parent.orderId,
      childOrderIds: mine.filter((x) => x !== parent).map((x) => x.orderId),
      status: parent.orderStatus?.status ?? String(parent.orderState.status ?? "Submitted"),
      filled: parent.orderStatus?.filled ?? 0,
      remaining: parent.orderStatus?.remaining ?? Number(parent.order.totalQuantity ?? 0),
      avgFillPrice: num(parent.orderStatus?.avgFillPrice) || undefined,
      permId: parent.order.permId,
    };
  }
  const fills = (await link.next.getExecutionDetails({})).filter(
    (d) => d.execution.orderRef === orderRef || (orderId !== undefined && d.execution.orderId === orderId),
  );
  const last = fills.at(-1);
  if (!last) return undefined;
  return {
    orderId: last.execution.orderId ?? 0,
    childOrderIds: [],
    status: "Filled",
    filled: last.execution.cumQty ?? 0,
    remaining: 0,
    avgFillPrice: last.execution.avgPrice,
    permId: last.execution.permId,
  };
}

/** The working order with this id among every client's open orders, as the modification rules read it. */
export async function workingOn(link: IbLink, orderId: number): Promise<WorkingOrder | undefined> {
  const open = await link.next.getAllOpenOrders();
  const x = open.find((o) => o.orderId === orderId);
  const status = x?.orderStatus?.status ?? String(x?.orderState.status ?? "");
  if (!x || finished.test(status)) return undefined;
  const price = (v: number | undefined) => {
    const n = num(v);
    return n === undefined || n === 0 ? undefined : n;
  };
  const c = x.contract;
  return {
    orderId,
    placedByThisClient: x.order.clientId === link.clientId,
    status,
    contract: {
      conId: c.conId ?? 0,
      symbol: c.symbol ?? "",
      secType: String(c.secType ?? ""),
      exchange: c.exchange ?? "",
      currency: c.currency ?? "",
    },
    side: String(x.order.action ?? ""),
    orderType: String(x.order.orderType ?? ""),
    quantity: Number(x.order.totalQuantity ?? 0),
    limitPrice: price(x.order.lmtPrice),
    stopPrice: price(x.order.auxPrice),
    tif: String(x.order.tif ?? ""),
    outsideRth: !!x.order.outsideRth,
    account: x.order.account ?? "",
    orderRef: x.order.orderRef ?? "",
    parentId: x.order.parentId ?? 0,
    algo: x.order.algoStrategy ?? "",
    ocaGroup: x.order.ocaGroup ?? "",
    childOrderIds: open
      .filter((o) => o.order.parentId === orderId && !finished.test(o.orderStatus?.status ?? ""))
      .map((o) => o.orderId),
  };
}
