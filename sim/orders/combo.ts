import type { SimConnection } from "../connection.ts";
import type { SimCore, SimOrder } from "../core.ts";
import type { Field } from "../protocol/field-writer.ts";
import { round2 } from "../universe/accounts.ts";
import type { Instrument } from "../universe/instrument.ts";
import { findByConId } from "../universe/instruments.ts";
import type { Trade } from "./order-engine.ts";
import type { PlaceOrderFields } from "./place-order-fields.ts";

/** The conId IB gives every combo (BAG) contract it echoes. */
const BAG_CON_ID = 28812380;

/**
 * A BAG's first leg (the order is filed under it), once every leg names a known contract: 2-4 legs, or IB's 321;
 * an unknown leg is IB's 200.
 */
export function comboInstrument(
  conn: SimConnection,
  orderId: number,
  legs: PlaceOrderFields["comboLegs"],
): Instrument | undefined {
  if (legs.length < 2 || legs.length > 4) {
    conn.error(
      orderId,
      321,
      `Error validating request:-'bO' : cause - a combo needs 2 to 4 legs, got ${legs.length}`,
    );
    return undefined;
  }
  const found = legs.map((l) => findByConId(l.conId));
  const missing = legs.findIndex((_, k) => !found[k]);
  if (missing >= 0) {
    conn.error(
      orderId,
      200,
      `No security definition has been found for the request (combo leg conId ${legs[missing]!.conId})`,
    );
    return undefined;
  }
  return found[0];
}

/** The eleven contract fields of a BAG in openOrder, in contractFields' order. */
export function bagContractFields(c: NonNullable<SimOrder["combo"]>): Field[] {
  return [BAG_CON_ID, c.symbol, "BAG", "", 0, "", "", "SMART", c.currency, "", ""];
}

/** comboLegsDescription, the legs (8 fields each) and the per-leg prices (none) of openOrder. */
export function comboLegFields(o: SimOrder): Field[] {
  const legs = o.combo?.legs ?? [];
  if (legs.length === 0) return ["", 0, 0];
  const description = legs.map((l) => `${l.conId}|${l.ratio}`).join(",");
  return [
    description,
    legs.length,
    ...legs.flatMap((l) => [l.conId, l.ratio, l.action, l.exchange, 0, 0, "", -1]),
    0,
  ];
}

/**
 * A combo's fill once its net price (legs on the market's one path, BUY legs add, SELL legs subtract, × ratio; times
 * the resting order's swing) crosses its limit: at the limit, each leg booked at its own price. Else undefined.
 */
export function comboFill(
  core: SimCore,
  o: SimOrder,
  swing: number,
): { price: number; trades: Trade[] } | undefined {
  const now = core.market.now();
  const qty = o.quantity - o.filled;
  const side = o.action === "BUY" ? 1 : -1;
  let net = 0;
  const trades: Trade[] = [];
  for (const l of o.combo?.legs ?? []) {
    const i = findByConId(l.conId);
    if (!i) return undefined;
    const price = round2(core.market.price(i, now));
    const dir = l.action === "BUY" ? 1 : -1;
    net += dir * l.ratio * price;
    trades.push({ i, signed: side * dir * l.ratio * qty, price });
  }
  const swung = net * swing;
  const crossed = o.action === "BUY" ? swung <= o.lmtPrice : swung >= o.lmtPrice;
  return crossed ? { price: o.lmtPrice, trades } : undefined;
}
