import { z } from "zod";
import { AccountField, ContractSummary, SymbolField } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

/** A filled or cancelled order as IB reports it (reqCompletedOrders carries no orderId: orderRef and permId name it). */
export const CompletedOrder = z.object({
  orderId: z.number().int().optional(),
  permId: z.number().int().optional(),
  orderRef: z.string().optional(),
  account: z.string().optional(),
  contract: ContractSummary,
  action: z.string(),
  totalQuantity: z.number(),
  orderType: z.string(),
  limitPrice: z.number().optional(),
  auxPrice: z.number().optional(),
  status: z.string(),
  filled: z.number(),
  completedTime: z.string().optional(),
  completedStatus: z.string().optional(),
});

export const getCompletedOrders = readTool({
  name: "get_completed_orders",
  title: "Completed orders",
  toolsets: ["orders"],
  description:
    "Today's filled and cancelled orders, oldest first: contract, side, quantity, type, prices, status, filled, completion time; optionally for one account or symbol.",
  input: z.object({
    account: AccountField.default(""),
    symbol: SymbolField.optional().describe("Only this symbol's orders"),
  }),
  output: z.object({ orders: z.array(CompletedOrder) }),
  summarize: (o) =>
    o.orders.length === 0
      ? "No completed orders today."
      : o.orders
          .map((x) =>
            `- ${x.completedTime ?? ""} ${x.action} ${x.totalQuantity} ${x.contract.localSymbol ?? x.contract.symbol} ${x.orderType}${x.limitPrice !== undefined ? ` @ ${x.limitPrice}` : ""}: ${x.completedStatus ?? x.status}, filled ${x.filled}${x.orderRef ? ` (ref ${x.orderRef})` : ""}`.trim(),
          )
          .join("\n"),
});
