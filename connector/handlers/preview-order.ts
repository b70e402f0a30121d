import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import type { BoundOrder, LimitCheck } from "../../shared/schemas/order.ts";
import { previewOrder } from "../../shared/tools/preview-order.ts";
import type { WhatIf } from "../ib/requests/orders.ts";
import { audited, deskOf } from "../orders/audited.ts";
import { assertOrderShape, bindOrder } from "../orders/bind-order.ts";
import { comboContract } from "../orders/combo-contract.ts";
import { assertWithinLimits, checkLimits } from "../orders/limits.ts";
import { assertModifiable } from "../orders/modify-rules.ts";
import { orderContract } from "../orders/order-contract.ts";
import { assertOrderQuantity } from "../orders/quantity-rules.ts";
import { signToken } from "../orders/token.ts";
import { defineHandler } from "./context.ts";

export const previewOrderHandler = defineHandler(previewOrder, (args, ctx) => {
  const { client_info: clientInfo, ...params } = args;
  return audited(ctx, previewOrder.name, { clientInfo, params, account: args.account }, async ({ known }) => {
    const desk = deskOf(ctx);
    await desk.assertAllowed(previewOrder.name, true);
    assertOrderShape(args);
    const accounts = ctx.session.status().accounts;
    const account = args.account ?? accounts[0];
    if (!account || !accounts.includes(account))
      throw new IbMcpError(
        "INVALID_ARGUMENT",
        `unknown account ${account ?? "(none)"}; this connector manages ${accounts.join(", ") || "no account yet"}`,
      );
    known.account = account;
    const lastOf = (conId: number, exchange: string) => desk.orders.lastPrice(conId, exchange, ctx);
    const combo = args.legs ? await comboContract(args, ctx, lastOf) : undefined;
    const details = combo ? undefined : await orderContract(args, ctx);
    const contract = combo?.contract ?? details!.contract;
    if (details) assertOrderQuantity(args.quantity, details, `${contract.symbol} (conId ${contract.conId})`);
    // a combo's band and notional are its net price per combo
    const last = combo ? combo.net : await lastOf(contract.conId, contract.exchange ?? args.exchange);
    const order = bindOrder(args, account, contract, last, combo?.legs);
    known.params = order;
    const modifies = args.modify_order_id;
    if (modifies !== undefined) assertModifiable(order, modifies, await desk.orders.working(modifies, ctx));
    const checks = checkLimits(desk.config, order, last, await desk.dailyUsed());
    assertWithinLimits(checks);
    const w = await desk.orders.whatIf(order, ctx);
    const signed = signToken(desk.secret(), desk.mode, order, desk.config.ORDER_TOKEN_TTL_MS);
    known.orderRef = signed.orderRef;
    const result = previewResult(signed, desk.mode, account, order, w, checks);
    return { result, event: "preview", outcome: `ok, what-if ${w.status}` };
  });
});

/** The preview's answer: the token, the order as bound (without what the agent need not see) and IB's what-if. */
function previewResult(
  signed: { token: string; expiresAt: number },
  mode: TradingMode,
  account: string,
  order: BoundOrder,
  w: WhatIf,
  checks: LimitCheck[],
) {
  const {
    reference_price,
    notional,
    account: _a,
    multiplier: _m,
    exchange: _e,
    currency: _c,
    ...shown
  } = order;
  return {
    token: signed.token,
    expires_at: new Date(signed.expiresAt).toISOString(),
    mode,
    account,
    order: shown,
    reference_price,
    notional,
    what_if: {
      status: w.status,
      commission: w.commission,
      min_commission: w.minCommission,
      max_commission: w.maxCommission,
      commission_currency: w.commissionCurrency,
      init_margin_change: w.initMarginChange,
      maint_margin_change: w.maintMarginChange,
      equity_with_loan_after: w.equityWithLoanAfter,
      warning: w.warning,
    },
    checks,
  };
}
