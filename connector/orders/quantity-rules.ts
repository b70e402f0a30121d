import { IbMcpError } from "../../shared/errors.ts";

/** What IB's contract details say about order sizes; absent fields mean IB did not say. */
export interface SizeRules {
  minSize?: number;
  sizeIncrement?: number;
}

/** Relative slack for float steps (0.1 + 0.2 style), far below any real increment. */
const EPS = 1e-9;

const isMultiple = (q: number, step: number) => {
  const k = q / step;
  return Math.abs(k - Math.round(k)) <= EPS * Math.max(1, Math.abs(k));
};

/**
 * Refuses a quantity this server will not send: orders are in whole shares or contracts (fractional API orders
 * need a separate IB permission and a notional near zero slips under every cap), at least IB's minimum size and in
 * IB's size increment when those are larger than one.
 */
export function assertOrderQuantity(quantity: number, rules: SizeRules, what: string): void {
  const minimum = Math.max(1, rules.minSize ?? 1);
  const increment = Math.max(1, rules.sizeIncrement ?? 1);
  const ok =
    Number.isFinite(quantity) &&
    quantity >= minimum - EPS &&
    isMultiple(quantity, 1) &&
    isMultiple(quantity, increment);
  if (ok) return;
  const ib =
    rules.minSize !== undefined || rules.sizeIncrement !== undefined
      ? ` (IB's contract details: minimum size ${rules.minSize ?? "not given"}, size increment ${rules.sizeIncrement ?? "not given"})`
      : "";
  throw new IbMcpError(
    "INVALID_ARGUMENT",
    `quantity ${quantity} is refused for ${what}: this server sends whole shares or contracts only, at least ${minimum}, in steps of ${increment}${ib}; preview again with a quantity like ${Math.max(minimum, Math.ceil(Math.max(quantity, 0) / increment) * increment)}`,
  );
}
