import { z } from "zod";
import { BoundOrder, LimitCheck, OrderRequest } from "../schemas/order.ts";
import { tradeTool } from "../tool-def.ts";

export const previewOrder = tradeTool(
  {
    name: "preview_order",
    title: "Preview an order",
    toolsets: ["orders"],
    description:
      "Checks an order without sending it: resolves the contract, applies this server's limits, runs IB's what-if check (commission, margin impact) and returns a confirmation token valid for a short time. Nothing reaches the market; place it with place_order(token), or with modify_order(token) when modify_order_id is set. oca_orders make a one-cancels-all group; take_profit_price with stop_loss_price a bracket.",
    input: OrderRequest,
    output: z.object({
      token: z.string(),
      expires_at: z.string(),
      mode: z.enum(["paper", "live"]),
      account: z.string(),
      // what the token binds, as the agent should show it before placing
      order: BoundOrder.pick({
        conId: true,
        symbol: true,
        sec_type: true,
        side: true,
        quantity: true,
        order_type: true,
        limit_price: true,
        stop_price: true,
        trailing_amount: true,
        trailing_percent: true,
        limit_offset: true,
        algo: true,
        algo_priority: true,
        oca_orders: true,
        oca_type: true,
        take_profit_price: true,
        stop_loss_price: true,
        tif: true,
        outside_rth: true,
        modify_order_id: true,
      }),
      reference_price: z.number(),
      notional: z.number(),
      what_if: z.object({
        status: z.string(),
        commission: z.number().optional(),
        min_commission: z.number().optional(),
        max_commission: z.number().optional(),
        commission_currency: z.string().optional(),
        init_margin_change: z.number().optional(),
        maint_margin_change: z.number().optional(),
        equity_with_loan_after: z.number().optional(),
        warning: z.string().optional(),
      }),
      checks: z.array(LimitCheck),
    }),
    summarize: (o) =>
      [
        `${o.order.side} ${o.order.quantity} ${o.order.symbol} ${o.order.order_type}${o.order.limit_price ? ` @ ${o.order.limit_price}` : ""}${o.order.stop_price ? ` stop ${o.order.stop_price}` : ""} (${o.mode}, account ${o.account}), notional ~${o.notional}`,
        `IB what-if: ${o.what_if.status}${o.what_if.commission !== undefined ? `, commission ${o.what_if.commission}` : ""}${o.what_if.init_margin_change !== undefined ? `, initial margin change ${o.what_if.init_margin_change}` : ""}`,
        `Checks: ${o.checks.map((c) => `${c.name} ${c.ok ? "ok" : "FAILED"}`).join(", ")}`,
        `Confirm with ${o.order.modify_order_id ? "modify_order" : "place_order"} and this token before ${o.expires_at}: ${o.token}`,
      ].join("\n"),
  },
  { destructive: false, idempotent: false },
);
