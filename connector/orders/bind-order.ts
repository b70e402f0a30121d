import { IbMcpError } from "../../shared/errors.ts";
import type { BoundOrder, OcaOrder, OrderRequest } from "../../shared/schemas/order.ts";

const bad = (message: string) => new IbMcpError("INVALID_ARGUMENT", message);

/** One leg's type and prices: the main order, or another order of its OCA group. */
type Leg = Pick<
  OcaOrder,
  "order_type" | "limit_price" | "stop_price" | "trailing_amount" | "trailing_percent" | "limit_offset"
>;

/** Which prices each type needs and takes; `at` names the leg in the message ("" for the main order). */
function assertLegShape(r: Leg, at: string): void {
  const t = r.order_type;
  const no = (m: string) => bad(`${at}${m}`);
  if ((t === "LMT" || t === "STP LMT") && r.limit_price === undefined)
    throw no(`${t} orders need limit_price`);
  if ((t === "STP" || t === "STP LMT") && r.stop_price === undefined) throw no(`${t} orders need stop_price`);
  if ((t === "MKT" || t === "STP") && r.limit_price !== undefined)
    throw no(`${t} orders take no limit_price; use LMT or STP LMT for a limit`);
  if ((t === "MKT" || t === "LMT") && r.stop_price !== undefined)
    throw no(`${t} orders take no stop_price; use STP or STP LMT for a stop`);
  const trail = t === "TRAIL" || t === "TRAIL LIMIT";
  const given = [r.trailing_amount, r.trailing_percent].filter((v) => v !== undefined).length;
  if (trail && given !== 1) throw no(`${t} orders need exactly one of trailing_amount and trailing_percent`);
  if (trail && (r.limit_price !== undefined || r.stop_price !== undefined))
    throw no(`${t} orders take no limit_price or stop_price; IB trails the stop from the market`);
  if (!trail && given > 0)
    throw no(`trailing_amount and trailing_percent are for TRAIL and TRAIL LIMIT orders, not ${t}`);
  if ((t === "TRAIL LIMIT") !== (r.limit_offset !== undefined))
    throw no(
      t === "TRAIL LIMIT" ? "TRAIL LIMIT orders need limit_offset" : `${t} orders take no limit_offset`,
    );
}

/** A BAG combo: legs with the underlying's symbol, a LMT at the net price per combo, whole combos, nothing else. */
function assertComboShape(r: OrderRequest): void {
  const bag = r.sec_type.toUpperCase() === "BAG";
  if (bag !== (r.legs !== undefined))
    throw bad(
      bag
        ? "BAG orders need legs: 2-4 option legs of the symbol"
        : `legs make a combo; set sec_type BAG (not ${r.sec_type})`,
    );
  if (!bag) return;
  if (r.symbol === undefined || r.conId !== undefined)
    throw bad("BAG orders name the underlying symbol, not a conId");
  if (r.order_type !== "LMT")
    throw bad(
      "BAG orders are LMT with the net price per combo as limit_price; a market combo has no price to cap",
    );
  if (!Number.isInteger(r.quantity)) throw bad("BAG quantity is a whole number of combos");
  if (r.option !== undefined) throw bad("BAG orders pick their options in legs, not option");
  if (r.algo || r.oca_orders || r.take_profit_price || r.modify_order_id !== undefined)
    throw bad(
      "BAG orders take no algo, oca_orders, bracket or modify_order_id; cancel and preview the combo again",
    );
}

/** Cross-field rules the flat schema cannot say: each leg's prices, an algo's order types, a bracket's and a group's shape. */
export function assertOrderShape(r: OrderRequest): void {
  if (r.conId === undefined && r.symbol === undefined) throw bad("give symbol (e.g. AAPL) or conId");
  assertLegShape(r, "");
  assertComboShape(r);
  for (const [k, leg] of (r.oca_orders ?? []).entries()) assertLegShape(leg, `oca_orders[${k}]: `);
  const t = r.order_type;
  if (r.algo === undefined && r.algo_priority !== undefined) throw bad('algo_priority needs algo "Adaptive"');
  if (r.algo !== undefined && t !== "MKT" && t !== "LMT")
    throw bad(`the ${r.algo} algo works MKT and LMT orders only, not ${t}`);
  const tp = r.take_profit_price;
  const sl = r.stop_loss_price;
  if ((tp === undefined) !== (sl === undefined))
    throw bad("a bracket needs both take_profit_price and stop_loss_price (or neither)");
  if (r.oca_orders !== undefined && r.modify_order_id !== undefined)
    throw bad("modify_order changes one order, not an OCA group; cancel the group and preview it again");
  if (tp === undefined || sl === undefined) return;
  if (r.algo !== undefined)
    throw bad(`the ${r.algo} algo is not sent on brackets; preview the entry and its exits separately`);
  if (r.oca_orders !== undefined)
    throw bad("a bracket is already one-cancels-all for its exits; give oca_orders or a bracket, not both");
  if (r.modify_order_id !== undefined)
    throw bad(
      "modify_order changes one order; modify the bracket's legs one at a time without take_profit_price/stop_loss_price",
    );
  const ok = r.side === "BUY" ? tp > sl : tp < sl;
  if (!ok)
    throw bad(
      `for a ${r.side} bracket take_profit_price must be ${r.side === "BUY" ? "above" : "below"} stop_loss_price`,
    );
}

/** The order a token binds: the request with account and contract resolved and its notional computed. */
export function bindOrder(
  r: OrderRequest,
  account: string,
  contract: {
    conId: number;
    symbol: string;
    secType: string;
    exchange?: string;
    currency: string;
    multiplier?: string;
  },
  lastPrice: number,
  comboLegs?: BoundOrder["combo_legs"],
): BoundOrder {
  const multiplier = Number(contract.multiplier) > 0 ? Number(contract.multiplier) : 1;
  // the price the order can trade at: its limit, else its stop, else the market; a group at its dearest leg,
  // since one-cancels-all lets at most one leg's quantity fill
  const priceOf = (l: Leg) => l.limit_price ?? l.stop_price ?? lastPrice;
  const reference = Math.max(priceOf(r), ...(r.oca_orders ?? []).map(priceOf));
  const o: BoundOrder = {
    conId: contract.conId,
    symbol: contract.symbol,
    sec_type: contract.secType,
    exchange: r.exchange || contract.exchange || "SMART",
    currency: contract.currency,
    multiplier,
    side: r.side,
    quantity: r.quantity,
    order_type: r.order_type,
    tif: r.tif,
    outside_rth: r.outside_rth,
    account,
    reference_price: reference,
    notional: Math.round(r.quantity * reference * multiplier * 100) / 100,
  };
  if (r.limit_price !== undefined) o.limit_price = r.limit_price;
  if (r.stop_price !== undefined) o.stop_price = r.stop_price;
  if (r.trailing_amount !== undefined) o.trailing_amount = r.trailing_amount;
  if (r.trailing_percent !== undefined) o.trailing_percent = r.trailing_percent;
  if (r.limit_offset !== undefined) o.limit_offset = r.limit_offset;
  if (r.algo !== undefined) {
    o.algo = r.algo;
    o.algo_priority = r.algo_priority ?? "Normal";
  }
  if (comboLegs !== undefined) o.combo_legs = comboLegs;
  if (r.oca_orders !== undefined) {
    o.oca_orders = r.oca_orders;
    o.oca_type = r.oca_type;
  }
  if (r.take_profit_price !== undefined) o.take_profit_price = r.take_profit_price;
  if (r.stop_loss_price !== undefined) o.stop_loss_price = r.stop_loss_price;
  if (r.modify_order_id !== undefined) o.modify_order_id = r.modify_order_id;
  return o;
}
