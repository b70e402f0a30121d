import { getCompletedOrders } from "../../shared/tools/get-completed-orders.ts";
import type { CompletedOrderInfo } from "../ib/client.ts";
import { checkAccount } from "./accounts.ts";
import { defineHandler, type HandlerContext } from "./context.ts";

/**
 * IB's completed orders name no orderId; an order this server placed is found by its orderRef in the placement
 * journal (when this connector trades), so agents see the id place_order gave them. A bracket's orders share one
 * orderRef, so their ids stay unknown here.
 */
export async function withOrderIds(
  orders: CompletedOrderInfo[],
  ctx: HandlerContext,
): Promise<CompletedOrderInfo[]> {
  const journal = ctx.trading?.journal;
  if (!journal) return orders;
  const refCount = new Map<string, number>();
  for (const o of orders) if (o.orderRef) refCount.set(o.orderRef, (refCount.get(o.orderRef) ?? 0) + 1);
  return Promise.all(
    orders.map(async (o) => {
      if (!o.orderRef || refCount.get(o.orderRef) !== 1) return o;
      const sent = await journal.get(o.orderRef).catch(() => undefined);
      return sent && sent.childOrderIds.length === 0 ? { orderId: sent.orderId, ...o } : o;
    }),
  );
}

export const getCompletedOrdersHandler = defineHandler(getCompletedOrders, async (args, ctx) => {
  checkAccount(args.account, ctx);
  const symbol = args.symbol?.trim().toUpperCase();
  const orders = (await ctx.ib.completedOrders(ctx)).filter(
    (o) =>
      (!args.account || o.account === args.account) &&
      (!symbol || o.contract.symbol.toUpperCase() === symbol || String(o.contract.conId) === symbol),
  );
  return { orders: await withOrderIds(orders, ctx) };
});
