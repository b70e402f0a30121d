import { IbMcpError } from "../../shared/errors.ts";
import type { BoundOrder } from "../../shared/schemas/order.ts";
import type { WorkingOrder } from "../ib/requests/orders.ts";

/** Every order this server places carries an orderRef with this prefix (see token.ts). */
const OUR_REF = /^ibmcp-/;

const same = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();

/** What a modification would change beyond price, quantity and time in force; empty when it changes nothing else. */
export function forbiddenChanges(o: BoundOrder, w: WorkingOrder): string[] {
  const out: string[] = [];
  const diff = (
    name: string,
    from: string | number | boolean,
    to: string | number | boolean,
    ok: boolean,
  ) => {
    if (!ok) out.push(`${name} ${from} → ${to}`);
  };
  const c = w.contract;
  diff("conId", c.conId, o.conId, c.conId === o.conId);
  diff("symbol", c.symbol, o.symbol, same(c.symbol, o.symbol));
  diff("sec_type", c.secType, o.sec_type, same(c.secType, o.sec_type));
  diff("exchange", c.exchange, o.exchange, !c.exchange || same(c.exchange, o.exchange));
  diff("currency", c.currency, o.currency, same(c.currency, o.currency));
  diff("side", w.side, o.side, same(w.side, o.side));
  diff("order_type", w.orderType, o.order_type, same(w.orderType, o.order_type));
  diff("account", w.account, o.account, same(w.account, o.account));
  diff("outside_rth", w.outsideRth, o.outside_rth, w.outsideRth === o.outside_rth);
  diff("algo", w.algo || "(none)", o.algo ?? "(none)", same(w.algo, o.algo ?? ""));
  // a changed leg would leave its group (IB takes the group from the order as sent): cancel and preview the group
  diff("OCA group membership", w.ocaGroup, "(none)", w.ocaGroup === "");
  const bracket = w.parentId !== 0 || w.childOrderIds.length > 0;
  // a leg's quantity must match its bracket's, or a filled parent leaves the exit over- or under-sized
  if (bracket) diff("quantity of a bracket leg", w.quantity, o.quantity, w.quantity === o.quantity);
  return out;
}

/**
 * Refuses a modification of an order that is not working, not placed through this server and this clientId, or
 * that would change anything but price, quantity and time in force. Checked at preview and again before sending.
 */
export function assertModifiable(o: BoundOrder, orderId: number, w: WorkingOrder | undefined): WorkingOrder {
  if (!w)
    throw new IbMcpError(
      "INVALID_ARGUMENT",
      `order ${orderId} is not a working order at IB (filled, cancelled, or unknown); there is nothing to modify. get_open_orders lists the working ones`,
    );
  if (!w.placedByThisClient || !OUR_REF.test(w.orderRef))
    throw new IbMcpError(
      "INVALID_ARGUMENT",
      `order ${orderId} was not placed through this server (orderRef "${w.orderRef}"${w.placedByThisClient ? "" : ", another IB client"}); modify it where it was placed`,
    );
  const changes = forbiddenChanges(o, w);
  if (changes.length > 0)
    throw new IbMcpError(
      "INVALID_ARGUMENT",
      `modify_order may change only the limit or stop price, the quantity and the time in force of order ${orderId}; this change also alters ${changes.join(", ")}. Preview again with the working order's contract, side, order type, account and outside_rth, or cancel it and preview a new order`,
    );
  return w;
}
