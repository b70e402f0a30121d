import { z } from "zod";
import { ContractSummary } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const OpenOrder = z.object({
  orderId: z.number().int(),
  permId: z.number().int().optional(),
  clientId: z.number().int().optional(),
  account: z.string().optional(),
  orderRef: z.string().optional(),
  contract: ContractSummary,
  action: z.string(),
  totalQuantity: z.number(),
  orderType: z.string(),
  limitPrice: z.number().optional(),
  auxPrice: z.number().optional(),
  timeInForce: z.string().optional(),
  status: z.string(),
  filled: z.number().optional(),
  remaining: z.number().optional(),
  avgFillPrice: z.number().optional(),
});

export const getOpenOrders = readTool({
  name: "get_open_orders",
  title: "Open orders",
  toolsets: ["orders"],
  description:
    "Working orders of every API client and TWS: contract, side, quantity, type, prices, time in force, status, filled and remaining quantity.",
  input: z.object({}),
  output: z.object({ orders: z.array(OpenOrder) }),
  summarize: (o) =>
    o.orders.length === 0
      ? "No open orders."
      : o.orders
          .map(
            (x) =>
              `- #${x.orderId} ${x.action} ${x.totalQuantity} ${x.contract.localSymbol ?? x.contract.symbol} ${x.orderType}${x.limitPrice !== undefined ? ` @ ${x.limitPrice}` : ""}${x.timeInForce ? ` ${x.timeInForce}` : ""}: ${x.status}${x.filled !== undefined ? `, filled ${x.filled}` : ""}${x.remaining !== undefined ? `, remaining ${x.remaining}` : ""}`,
          )
          .join("\n"),
});
