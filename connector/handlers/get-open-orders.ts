import { getOpenOrders } from "../../shared/tools/get-open-orders.ts";
import { defineHandler } from "./context.ts";

export const getOpenOrdersHandler = defineHandler(getOpenOrders, async (_args, ctx) => ({
  orders: (await ctx.ib.openOrders(ctx)).sort((a, b) => a.orderId - b.orderId),
}));
