import { cancelAllOrders } from "../../shared/tools/cancel-all-orders.ts";
import { audited, deskOf } from "../orders/audited.ts";
import { defineHandler } from "./context.ts";

export const cancelAllOrdersHandler = defineHandler(cancelAllOrders, (args, ctx) =>
  audited(ctx, cancelAllOrders.name, { clientInfo: args.client_info }, async ({ known, intent }) => {
    const desk = deskOf(ctx);
    await desk.assertAllowed(cancelAllOrders.name, false);
    await intent({ reducesRisk: true });
    const ids = await desk.orders.cancelAll(ctx);
    known.params = { cancelled_order_ids: ids };
    return {
      result: { cancelled_order_ids: ids, status: "global cancel sent" },
      event: "cancel_all",
      outcome: `global cancel sent (${ids.length} working)`,
    };
  }),
);
