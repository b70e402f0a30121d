import { z } from "zod";
import { ContractSummary, trimSpaces } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const OrderStatus = z.object({
  orderId: z.number().int().optional(),
  permId: z.number().int().optional(),
  orderRef: z.string().optional(),
  contract: ContractSummary,
  action: z.string(),
  totalQuantity: z.number(),
  orderType: z.string(),
  limitPrice: z.number().optional(),
  status: z.string(),
  working: z.boolean(),
  filled: z.number(),
  remaining: z.number(),
  avgFillPrice: z.number().optional(),
  commission: z.number().optional(),
  completedTime: z.string().optional(),
  executions: z.array(
    z.object({
      execId: z.string(),
      time: z.string(),
      shares: z.number(),
      price: z.number(),
      commission: z.number().optional(),
    }),
  ),
});

export const getOrderStatus = readTool({
  name: "get_order_status",
  title: "Order status",
  toolsets: ["orders"],
  description:
    "An order's status by order_id or order_ref (from place_order): filled, remaining, average price, its fills and commissions; working or completed today. A bracket's order_ref gives all its orders.",
  input: z.object({
    order_id: z.number().int().positive().optional(),
    order_ref: z
      .string()
      .overwrite(trimSpaces)
      .min(1)
      .max(64)
      .regex(/^[\x20-\x7e]+$/, "order_ref is printable ASCII, as place_order returned it")
      .optional(),
  }),
  output: z.object({ orders: z.array(OrderStatus) }),
  summarize: (o) =>
    o.orders
      .map(
        (x) =>
          `#${x.orderId ?? "?"} ${x.action} ${x.totalQuantity} ${x.contract.localSymbol ?? x.contract.symbol} ${x.orderType}: ${x.status}, filled ${x.filled}, remaining ${x.remaining}${x.avgFillPrice !== undefined ? ` @ avg ${x.avgFillPrice}` : ""}${x.commission !== undefined ? `, commission ${x.commission}` : ""} (${x.executions.length} fills)`,
      )
      .join("\n"),
});
