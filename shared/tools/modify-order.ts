import { z } from "zod";
import { OrderTokenField } from "../schemas/fields.ts";
import { ClientInfo, OrderOutcome } from "../schemas/order.ts";
import { tradeTool } from "../tool-def.ts";
import { summarizeOutcome } from "./place-order.ts";

export const modifyOrder = tradeTool(
  {
    name: "modify_order",
    title: "Modify a working order",
    toolsets: ["orders"],
    description:
      "Applies a change previewed with preview_order(modify_order_id=...) to that working order. Only the token is taken; the same token twice changes the order once.",
    input: z.object({
      token: OrderTokenField.describe("The token from preview_order with modify_order_id set."),
      client_info: ClientInfo,
    }),
    output: OrderOutcome,
    summarize: summarizeOutcome,
  },
  { destructive: true, idempotent: true },
);
