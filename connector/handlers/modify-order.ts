import { IbMcpError } from "../../shared/errors.ts";
import { modifyOrder } from "../../shared/tools/modify-order.ts";
import { audited, deskOf } from "../orders/audited.ts";
import { placeBound } from "../orders/place-bound.ts";
import { verifyToken } from "../orders/token.ts";
import { defineHandler } from "./context.ts";

export const modifyOrderHandler = defineHandler(modifyOrder, (args, ctx) =>
  audited(ctx, modifyOrder.name, { clientInfo: args.client_info }, async ({ known, intent }) => {
    const desk = deskOf(ctx);
    await desk.assertAllowed(modifyOrder.name, true);
    const t = verifyToken(desk.secret(), args.token, desk.mode);
    const o = t.payload.order;
    Object.assign(known, { params: o, account: o.account, orderRef: t.orderRef, orderId: o.modify_order_id });
    if (o.modify_order_id === undefined)
      throw new IbMcpError(
        "INVALID_ARGUMENT",
        "this token previews a new order; confirm it with place_order (modify_order needs a preview with modify_order_id)",
      );
    await intent();
    const out = await placeBound(desk, t, ctx, modifyOrder.name);
    return { result: out, event: "modify", outcome: out.replayed ? `replayed ${out.status}` : out.status };
  }),
);
