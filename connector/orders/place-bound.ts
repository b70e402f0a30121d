import { IbMcpError } from "../../shared/errors.ts";
import { ANONYMOUS_PRINCIPAL } from "../../shared/principals.ts";
import type { OrderOutcome } from "../../shared/schemas/order.ts";
import type { RequestScope } from "../ib/client.ts";
import { OrderEchoMismatch, type OrderReport } from "../ib/requests/orders.ts";
import type { TradingDesk } from "./desk.ts";
import { assertWithinLimits, checkLimits } from "./limits.ts";
import { assertModifiable } from "./modify-rules.ts";
import { assertNotExpired, type VerifiedToken } from "./token.ts";

function outcomeOf(r: OrderReport, orderRef: string, replayed: boolean): OrderOutcome {
  const o: OrderOutcome = {
    order_id: r.orderId,
    child_order_ids: r.childOrderIds,
    order_ref: orderRef,
    status: r.status,
    filled: r.filled,
    remaining: r.remaining,
    replayed,
  };
  if (r.avgFillPrice !== undefined) o.avg_fill_price = r.avgFillPrice;
  if (r.permId !== undefined) o.perm_id = r.permId;
  return o;
}

/** Who is asking, for the audit line of a kill switch thrown on their call. */
export type CallScope = RequestScope & { requestId: string };

/**
 * IB holds something other than what was sent: throws the kill switch (before the cancel is even confirmed) and
 * audits it. Resolves with whether the switch is on; never rejects, the answer must still go out.
 */
async function tripKillSwitch(
  desk: TradingDesk,
  t: VerifiedToken,
  scope: CallScope,
  tool: string,
  differences: string[],
): Promise<boolean> {
  let on = false;
  try {
    on = await desk.setKillSwitch(true);
  } catch {
    on = false;
  }
  await desk.audit
    .append({
      event: "kill_switch",
      tool,
      requestId: scope.requestId,
      principal: scope.principal ?? ANONYMOUS_PRINCIPAL,
      mode: desk.mode,
      account: t.payload.order.account,
      orderRef: t.orderRef,
      params: { differences },
      outcome: on ? "on: IB's copy of the order differs from the order sent" : "could not be turned on",
    })
    .catch(() => undefined); // the refused line that follows reports an unwritable log
  return on;
}

/** Sends the bound order (or change); IB's echo is checked, and a differing echo trips the kill switch. */
async function send(
  desk: TradingDesk,
  t: VerifiedToken,
  scope: CallScope,
  tool: string,
): Promise<OrderReport> {
  const o = t.payload.order;
  let tripped: Promise<boolean> | undefined;
  const onEchoMismatch = (differences: string[]) => {
    tripped ??= tripKillSwitch(desk, t, scope, tool, differences);
  };
  try {
    if (o.modify_order_id === undefined)
      return await desk.orders.place(o, t.orderRef, scope, {
        onEchoMismatch,
        beforeSend: (ids) =>
          desk.journal.put(t.orderRef, { orderId: ids[0] ?? 0, childOrderIds: ids.slice(1) }),
      });
    // defence in depth: the preview checked this too, but the order may have changed since
    const w = assertModifiable(o, o.modify_order_id, await desk.orders.working(o.modify_order_id, scope));
    // journalled under the order it changes before it leaves: no process sends this token's change twice
    await desk.journal.put(t.orderRef, { orderId: o.modify_order_id, childOrderIds: [] });
    return await desk.orders.modify(o.modify_order_id, o, t.orderRef, scope, {
      parentId: w.parentId,
      onEchoMismatch,
    });
  } catch (err) {
    if (!(err instanceof OrderEchoMismatch)) throw err;
    const on = await (tripped ?? tripKillSwitch(desk, t, scope, tool, [...err.differences]));
    throw new IbMcpError(
      "READ_ONLY",
      `${err.message}. ${on ? "The kill switch is now ON: no new orders or modifications until the operator has checked the account and lifts it" : "The kill switch could NOT be thrown; ask the operator to stop trading now"}. Do not retry`,
      { retryable: false, cause: err },
    );
  }
}

/**
 * Places (or, with modify_order_id, modifies) the order a verified token binds, at most once. Before anything is
 * sent, the journal (ids written before the first send, a modification under the order it changes) and IB (open
 * orders and executions, by orderRef or the journal's id) are asked: the same token again, from this process, a
 * restarted one or another connector, answers the order's current state at IB instead of sending it twice.
 */
export function placeBound(
  desk: TradingDesk,
  t: VerifiedToken,
  scope: CallScope,
  tool: string,
): Promise<OrderOutcome> {
  const o = t.payload.order;
  return desk.once(t.orderRef, async () => {
    const sent = await desk.journal.get(t.orderRef);
    if (o.modify_order_id === undefined || sent) {
      const existing = await desk.orders.findByRef(t.orderRef, scope, sent?.orderId);
      if (existing) return outcomeOf(existing, t.orderRef, true);
    }
    if (sent)
      throw new IbMcpError(
        "INVALID_ARGUMENT",
        `this token was already sent as order ${sent.orderId}, and IB shows no working order or fill for it (cancelled, rejected, or lost before IB got it); it is not sent again. Check the open orders, then preview a new order if you still want one`,
      );
    assertNotExpired(t.payload);
    // the daily cap may have been used up since the preview; the price band was checked there against the market's
    // last price, which the token does not carry (its reference price is the limit, which would skew the band)
    const checks = checkLimits(desk.config, o, o.reference_price, await desk.dailyUsed());
    assertWithinLimits(checks.filter((c) => !c.name.startsWith("price_band:")));
    const undo = await desk.reserve(o.notional);
    try {
      return outcomeOf(await send(desk, t, scope, tool), t.orderRef, false);
    } catch (err) {
      // a definite refusal by IB frees the notional; a lost answer keeps it counted (the order may exist)
      if (err instanceof IbMcpError && (err.code === "INVALID_ARGUMENT" || err.code === "NOT_FOUND"))
        await undo().catch(() => undefined);
      throw err;
    }
  });
}
