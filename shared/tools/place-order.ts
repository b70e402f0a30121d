import { z } from "zod";
import { OrderTokenField } from "../schemas/fields.ts";
import { ClientInfo, OrderOutcome } from "../schemas/order.ts";
import { tradeTool } from "../tool-def.ts";

/** Summary line shared by the tools that answer with an order outcome. */
export function summarizeOutcome(o: z.infer<typeof OrderOutcome>): string {
  const children = o.child_order_ids.length ? ` (children ${o.child_order_ids.join(", ")})` : "";
  return `Order ${o.order_id}${children} ${o.status}: filled ${o.filled}, remaining ${o.remaining}${o.avg_fill_price ? ` @ ${o.avg_fill_price}` : ""}${o.replayed ? " (already placed with this token; nothing new was sent)" : ""}`;
}

export const placeOrder = tradeTool(
  {
    name: "place_order",
    title: "Place a previewed order",
    toolsets: ["orders"],
    description:
      "Sends the order a preview_order token stands for, exactly as previewed. Only the token is taken. Calling again with the same token does not send a second order: it returns the same order id.",
    input: z.object({
      token: OrderTokenField.describe("The confirmation token from preview_order."),
      client_info: ClientInfo,
    }),
    output: OrderOutcome,
    summarize: summarizeOutcome,
  },
  { destructive: true, idempotent: true },
);
