import type { SimOrder } from "../core.ts";
import type { PlaceOrderFields } from "./place-order-fields.ts";

const ADAPTIVE_PRIORITIES = ["Urgent", "Normal", "Patient"];

/** IB's refusal text for a trailing stop, OCA or algo it cannot work, else undefined. */
export function trailAndAlgoError(p: PlaceOrderFields): string | undefined {
  const trail = p.orderType === "TRAIL" || p.orderType === "TRAIL LIMIT";
  if (trail && !(p.auxPrice > 0) && !(p.trailingPercent > 0))
    return "a trailing stop needs a trailing amount (auxPrice) or a trailingPercent";
  if (trail && p.auxPrice > 0 && p.trailingPercent > 0)
    return "a trailing stop takes a trailing amount or a trailingPercent, not both";
  if (p.orderType === "TRAIL LIMIT" && !(p.lmtPriceOffset > 0) && !(p.lmtPrice > 0))
    return "a TRAIL LIMIT order needs a limit price offset (lmtPriceOffset)";
  if (p.algoStrategy === "") return undefined;
  if (p.algoStrategy !== "Adaptive")
    return `unknown algo strategy ${p.algoStrategy}; the simulator works Adaptive`;
  if (p.orderType !== "MKT" && p.orderType !== "LMT")
    return `the Adaptive algo works MKT and LMT orders, not ${p.orderType}`;
  const priority = p.algoParams.find((t) => t.tag === "adaptivePriority")?.value;
  if (!priority || !ADAPTIVE_PRIORITIES.includes(priority))
    return `Adaptive needs adaptivePriority ${ADAPTIVE_PRIORITIES.join(", ")}; got ${priority ?? "none"}`;
  return undefined;
}

/** The trailing, OCA and algo fields an order keeps and echoes. */
export function trailAndAlgoOf(p: PlaceOrderFields): Partial<SimOrder> {
  const f: Partial<SimOrder> = {};
  if (p.trailingPercent > 0) f.trailingPercent = p.trailingPercent;
  if (p.lmtPriceOffset > 0) f.lmtPriceOffset = p.lmtPriceOffset;
  if (p.trailStopPrice > 0) f.trailStopPrice = p.trailStopPrice;
  if (p.algoStrategy) {
    f.algoStrategy = p.algoStrategy;
    f.algoParams = p.algoParams;
  }
  if (p.ocaGroup) {
    f.ocaGroup = p.ocaGroup;
    f.ocaType = p.ocaType;
  }
  return f;
}

/**
 * Moves a trailing stop with the price (never back) and tells whether it is crossed. A SELL's stop trails
 * below the last price by the amount or percent; a BUY's above it.
 */
export function trailCrossed(o: SimOrder, last: number): boolean {
  const trail = o.trailingPercent ? (last * o.trailingPercent) / 100 : o.auxPrice;
  const sell = o.action === "SELL";
  const candidate = sell ? last - trail : last + trail;
  const stop = o.trailStopPrice;
  o.trailStopPrice =
    stop === undefined ? candidate : sell ? Math.max(stop, candidate) : Math.min(stop, candidate);
  return sell ? last <= o.trailStopPrice : last >= o.trailStopPrice;
}
