import type { Contract, Order, OrderAction, OrderType, SecType, TimeInForce } from "@stoqey/ib";
import type { BoundOrder, OcaOrder } from "../../../../shared/schemas/order.ts";
import type { BoundContract } from "./types.ts";

/** IB's "unset double". */
export const UNSET = Number.MAX_VALUE;
export const num = (v: number | undefined) =>
  v === undefined || v === UNSET || Number.isNaN(v) ? undefined : v;

/** The contract an order is sent with: pinned by conId, or a BAG of legs pinned by theirs. */
export function contractOf(o: BoundOrder): Contract {
  if (!o.combo_legs) return { conId: o.conId, exchange: o.exchange, currency: o.currency };
  return {
    symbol: o.symbol,
    secType: "BAG" as SecType,
    exchange: o.exchange,
    currency: o.currency,
    comboLegs: o.combo_legs.map((l) => ({
      conId: l.conId,
      ratio: l.ratio,
      action: l.action as OrderAction,
      exchange: l.exchange,
    })),
  };
}

/** The contract IB's echo must name: the bound conId (a combo: each leg's), symbol, type and currency. */
export function boundContractOf(o: BoundOrder): BoundContract {
  const c: BoundContract = { conId: o.conId, symbol: o.symbol, secType: o.sec_type, currency: o.currency };
  if (o.combo_legs) c.legs = o.combo_legs;
  return c;
}

/** IB's ocaType for each of the schema's names. */
const OCA_TYPES = { cancel: 1, reduce: 2, reduce_no_block: 3 } as const;

/** IB's fields for a trailing stop (amount in auxPrice, or trailingPercent; TRAIL LIMIT's lmtPriceOffset) and an algo. */
function trailAndAlgoOf(
  o: Omit<OcaOrder, "order_type"> & Pick<BoundOrder, "algo" | "algo_priority">,
): Partial<Order> {
  const f: Partial<Order> = {};
  if (o.trailing_amount !== undefined) f.auxPrice = o.trailing_amount;
  if (o.trailing_percent !== undefined) f.trailingPercent = o.trailing_percent;
  if (o.limit_offset !== undefined) f.lmtPriceOffset = o.limit_offset;
  if (o.algo !== undefined) {
    f.algoStrategy = o.algo;
    f.algoParams = [{ tag: "adaptivePriority", value: o.algo_priority ?? "Normal" }];
  }
  return f;
}

/** The IB orders one bound order becomes: one, an OCA group's orders, or a bracket's parent, take-profit and stop-loss. */
export function ibOrdersOf(o: BoundOrder, orderRef: string, firstId: number): Array<[number, Order]> {
  const common = {
    totalQuantity: o.quantity,
    tif: o.tif as TimeInForce,
    outsideRth: o.outside_rth,
    account: o.account,
  };
  const parent: Order = {
    ...common,
    action: o.side as OrderAction,
    orderType: o.order_type as OrderType,
    lmtPrice: o.limit_price,
    auxPrice: o.stop_price,
    ...trailAndAlgoOf(o),
    orderRef,
    transmit: true,
  };
  if (o.oca_orders !== undefined) {
    // the group is named after the token's orderRef: unique, and the same on a replay
    const group = { ocaGroup: orderRef, ocaType: OCA_TYPES[o.oca_type ?? "cancel"] };
    const others = o.oca_orders.map((l, k): [number, Order] => [
      firstId + 1 + k,
      {
        ...common,
        ...group,
        action: o.side as OrderAction,
        orderType: l.order_type as OrderType,
        lmtPrice: l.limit_price,
        auxPrice: l.stop_price,
        ...trailAndAlgoOf(l),
        orderRef: `${orderRef}-oca${k + 1}`,
        transmit: true,
      },
    ]);
    return [[firstId, { ...parent, ...group }], ...others];
  }
  if (o.take_profit_price === undefined || o.stop_loss_price === undefined) return [[firstId, parent]];
  const exit = (o.side === "BUY" ? "SELL" : "BUY") as OrderAction;
  // IB's bracket: only the last child transmits, so nothing goes out until all three arrived
  return [
    [firstId, { ...parent, transmit: false }],
    [
      firstId + 1,
      {
        ...common,
        action: exit,
        orderType: "LMT" as OrderType,
        lmtPrice: o.take_profit_price,
        parentId: firstId,
        orderRef: `${orderRef}-tp`,
        transmit: false,
      },
    ],
    [
      firstId + 2,
      {
        ...common,
        action: exit,
        orderType: "STP" as OrderType,
        auxPrice: o.stop_loss_price,
        parentId: firstId,
        orderRef: `${orderRef}-sl`,
        transmit: true,
      },
    ],
  ];
}
