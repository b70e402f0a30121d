import { IbMcpError } from "../../shared/errors.ts";
import { placeOrder } from "../../shared/tools/place-order.ts";
import { audited, deskOf } from "../orders/audited.ts";
import { placeBound } from "../orders/place-bound.ts";
import { verifyToken } from "../orders/token.ts";
import { defineHandler } from "./context.ts";

export const placeOrderHandler = defineHandler(placeOrder, (args, ctx) =>
  audited(ctx, placeOrder.name, { clientInfo: args.client_info }, async ({ known, intent }) => {
    const desk = deskOf(ctx);
    await desk.assertAllowed(placeOrder.name, true);
    const t = verifyToken(desk.secret(), args.token, desk.mode);
    Object.assign(known, { params: t.payload.order, account: t.payload.order.account, orderRef: t.orderRef });
    if (t.payload.order.modify_order_id !== undefined)
      throw new IbMcpError(
        "INVALID_ARGUMENT",
        `this token previews a change of order ${t.payload.order.modify_order_id}; confirm it with modify_order`,
      );
    await intent();
    const out = await placeBound(desk, t, ctx, placeOrder.name);
    known.orderId = out.order_id;
    const children = out.child_order_ids.length ? ` (children ${out.child_order_ids.join(", ")})` : "";
    const status = `${out.status}${children}`;
    return { result: out, event: "place", outcome: out.replayed ? `replayed ${status}` : status };
  }),
);
