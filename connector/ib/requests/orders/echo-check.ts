import type { Contract, Order } from "@stoqey/ib";
import { IbMcpError } from "../../../../shared/errors.ts";
import { num } from "./ib-orders-of.ts";
import type { BoundContract } from "./types.ts";

/** IB's openOrder for one id: the contract and order as IB holds them. */
export interface OrderEcho {
  contract: Contract;
  order: Order;
}

/** How one leg ended after a mismatch's cancel: "Cancelled", "Filled" (too late), or the last status seen. */
export interface LegAfterCancel {
  orderId: number;
  status: string;
}

/**
 * IB holds an order other than the one sent (a smuggled field, a broken encoder): every leg was cancelled at once.
 * READ_ONLY and not retryable; the desk throws the kill switch before it answers.
 */
export class OrderEchoMismatch extends IbMcpError {
  constructor(
    readonly subject: string,
    readonly differences: readonly string[],
    readonly legs: readonly LegAfterCancel[],
  ) {
    const after = legs
      .map((l) => `order ${l.orderId} ${l.status || "cancel sent, no answer yet"}`)
      .join(", ");
    super(
      "READ_ONLY",
      `IB's copy of ${subject} differs from the order that was sent: ${differences.join("; ")}. Every leg was cancelled at once (${after})`,
      { retryable: false },
    );
  }
}

/** A price IB reports as set, else undefined (IB sends 0 or the unset double for "none"). */
const price = (v: number | undefined) => {
  const n = num(v);
  return n === undefined || n === 0 ? undefined : n;
};
const samePrice = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
const text = (v: unknown) => (v === undefined || v === null ? "" : String(v)).trim().toUpperCase();
const paramsText = (p: Order["algoParams"]) =>
  (p ?? [])
    .map((t) => `${t.tag}=${t.value}`)
    .sort()
    .join(",");
const show = (v: unknown) => (v === undefined || v === "" ? "(none)" : String(v));

/** A combo's legs as sent against IB's echo, leg by leg: conId, ratio and action, and no leg more or less. */
function comboDifferences(
  legs: NonNullable<BoundContract["legs"]>,
  c: Contract,
  field: (name: string, want: unknown, got: unknown, same: boolean) => void,
): void {
  const got = c.comboLegs ?? [];
  field("combo legs", legs.length, got.length, got.length === legs.length);
  legs.forEach((l, k) => {
    const g = got[k];
    field(`leg ${k + 1} conId`, l.conId, g?.conId, g?.conId === l.conId);
    field(`leg ${k + 1} ratio`, l.ratio, g?.ratio, Number(g?.ratio) === l.ratio);
    field(`leg ${k + 1} action`, l.action, g?.action, text(g?.action) === text(l.action));
  });
}

/**
 * What differs between one leg as sent and IB's echo of it: contract, side, quantity, type, prices, tif, account,
 * orderRef, bracket parent and outside-RTH flag. Empty when IB holds exactly what was sent.
 */
export function echoDifferences(id: number, sent: Order, contract: BoundContract, echo: OrderEcho): string[] {
  const out: string[] = [];
  const field = (name: string, want: unknown, got: unknown, same: boolean) => {
    if (!same) out.push(`order ${id} ${name}: sent ${show(want)}, IB has ${show(got)}`);
  };
  const c = echo.contract;
  const o = echo.order;
  if (contract.legs)
    comboDifferences(contract.legs, c, (name, want, got, same) => field(name, want, got, same));
  else field("conId", contract.conId, c.conId, c.conId === contract.conId);
  field("symbol", contract.symbol, c.symbol, text(c.symbol) === text(contract.symbol));
  field("sec_type", contract.secType, c.secType, text(c.secType) === text(contract.secType));
  field("currency", contract.currency, c.currency, text(c.currency) === text(contract.currency));
  field("side", sent.action, o.action, text(o.action) === text(sent.action));
  field("quantity", sent.totalQuantity, o.totalQuantity, Number(o.totalQuantity) === sent.totalQuantity);
  field("order_type", sent.orderType, o.orderType, text(o.orderType) === text(sent.orderType));
  const lmt = [price(sent.lmtPrice), price(o.lmtPrice)] as const;
  field("limit_price", lmt[0], lmt[1], samePrice(...lmt));
  const aux = [price(sent.auxPrice), price(o.auxPrice)] as const;
  const trail = text(sent.orderType).startsWith("TRAIL");
  field(trail ? "trailing_amount" : "stop_price", aux[0], aux[1], samePrice(...aux));
  const pct = [price(sent.trailingPercent), price(o.trailingPercent)] as const;
  field("trailing_percent", pct[0], pct[1], samePrice(...pct));
  const offset = [price(sent.lmtPriceOffset), price(o.lmtPriceOffset)] as const;
  field("limit_offset", offset[0], offset[1], samePrice(...offset));
  field("algo", sent.algoStrategy, o.algoStrategy, text(o.algoStrategy) === text(sent.algoStrategy));
  const params = [paramsText(sent.algoParams), paramsText(o.algoParams)] as const;
  field("algo_params", params[0], params[1], params[0] === params[1]);
  field("oca_group", sent.ocaGroup, o.ocaGroup, (o.ocaGroup ?? "") === (sent.ocaGroup ?? ""));
  field("tif", sent.tif, o.tif, text(o.tif) === text(sent.tif));
  field("account", sent.account, o.account, text(o.account) === text(sent.account));
  field("orderRef", sent.orderRef, o.orderRef, (o.orderRef ?? "") === (sent.orderRef ?? ""));
  field("parentId", sent.parentId ?? 0, o.parentId ?? 0, (o.parentId ?? 0) === (sent.parentId ?? 0));
  field("outside_rth", !!sent.outsideRth, !!o.outsideRth, !!o.outsideRth === !!sent.outsideRth);
  return out;
}
