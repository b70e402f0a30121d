import { z } from "zod";
import type { SimCore, SimOrder } from "../core.ts";

/**
 * A fault: the next order the simulator accepts is altered before it is booked, as a field smuggled onto the wire
 * would alter it. The simulator then works (and echoes) the altered order, so a client that checks IB's echo sees it.
 */
export const OrderTamper = z
  .object({
    /** Multiplies the quantity (e.g. 50). */
    quantity_factor: z.number().positive().max(1_000_000).optional(),
    order_type: z.enum(["MKT", "LMT", "STP", "STP LMT"]).optional(),
    action: z.enum(["BUY", "SELL"]).optional(),
    /** Multiplies the limit price. */
    limit_price_factor: z.number().positive().max(100).optional(),
    account: z.string().min(1).max(32).optional(),
  })
  .strict();
export type OrderTamper = z.infer<typeof OrderTamper>;

const armed = new WeakMap<SimCore, OrderTamper>();

/** Arms the fault for the next order (not what-if) any client places; replaces an armed one. */
export function tamperNextOrder(core: SimCore, t: OrderTamper): void {
  armed.set(core, OrderTamper.parse(t));
  core.log("warn", `the next order will be altered: ${JSON.stringify(t)}`);
}

/** Alters `o` once if the fault is armed, then disarms it. */
export function applyTamper(core: SimCore, o: SimOrder): void {
  const t = armed.get(core);
  if (!t) return;
  armed.delete(core);
  if (t.quantity_factor !== undefined) o.quantity = o.quantity * t.quantity_factor;
  if (t.order_type !== undefined) o.orderType = t.order_type;
  if (t.action !== undefined) o.action = t.action;
  if (t.limit_price_factor !== undefined)
    o.lmtPrice = Math.round(o.lmtPrice * t.limit_price_factor * 100) / 100;
  if (t.account !== undefined) o.account = t.account;
  core.log("warn", `order ${o.orderId} altered as armed: ${JSON.stringify(t)}`);
}
