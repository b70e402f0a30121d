import { z } from "zod";
import { ClientInfo } from "../schemas/order.ts";
import { tradeTool } from "../tool-def.ts";

export const cancelAllOrders = tradeTool(
  {
    name: "cancel_all_orders",
    title: "Cancel all orders",
    toolsets: ["orders"],
    description:
      "Cancels every working order of the account (IB's global cancel, also orders placed elsewhere). Returns the ids that were working.",
    input: z.object({ client_info: ClientInfo }),
    output: z.object({ cancelled_order_ids: z.array(z.number().int()), status: z.string() }),
    summarize: (o) =>
      o.cancelled_order_ids.length
        ? `Cancel sent for ${o.cancelled_order_ids.length} working orders: ${o.cancelled_order_ids.join(", ")}`
        : "No working orders; global cancel sent anyway.",
  },
  { destructive: true, idempotent: true, reducesRisk: true },
);
