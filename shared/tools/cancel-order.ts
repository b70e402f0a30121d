import { z } from "zod";
import { ClientInfo } from "../schemas/order.ts";
import { tradeTool } from "../tool-def.ts";

export const cancelOrder = tradeTool(
  {
    name: "cancel_order",
    title: "Cancel an order",
    toolsets: ["orders"],
    description: "Cancels one working order by its IB order id and returns the status IB reports.",
    input: z.object({
      order_id: z.number().int().positive().describe("The order id place_order returned."),
      client_info: ClientInfo,
    }),
    output: z.object({ order_id: z.number().int(), status: z.string() }),
    summarize: (o) => `Order ${o.order_id}: ${o.status}`,
  },
  { destructive: true, idempotent: true, reducesRisk: true },
);
