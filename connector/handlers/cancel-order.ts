import { cancelOrder } from "../../shared/tools/cancel-order.ts";
import { audited, deskOf } from "../orders/audited.ts";
import { defineHandler } from "./context.ts";

export const cancelOrderHandler = defineHandler(cancelOrder, (args, ctx) =>
  audited(
    ctx,
    cancelOrder.name,
    { clientInfo: args.client_info, orderId: args.order_id },
    async ({ intent }) => {
      const desk = deskOf(ctx);
      await desk.assertAllowed(cancelOrder.name, false);
      await intent({ reducesRisk: true });
      const status = await desk.orders.cancel(args.order_id, ctx);
      return { result: { order_id: args.order_id, status }, event: "cancel", outcome: status };
    },
  ),
);
