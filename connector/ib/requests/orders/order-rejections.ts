import { IbMcpError } from "../../../../shared/errors.ts";
import { connectionLostCodes, IB_RETRY_AFTER_MS } from "../../ib-errors.ts";
import type { ErrorMatch } from "../../request.ts";

/** IB codes that mean the order id is unknown or the order cannot be changed any more. */
const unknownOrderCodes = new Set([135, 10147]);
/** Codes where IB's text is the reason an order was refused (201 rejected, 110 tick size, 382/383 size, 387 type, 104 finished, 103 id, 10148 not cancellable, 399 market closed). */
const refusedCodes = new Set([103, 104, 110, 161, 201, 202, 382, 383, 387, 399, 10148, 10149, 10311]);

/** An IB error about an order as a coded error carrying IB's own reason. */
export function orderRejection(code: number, text: string, subject: string): IbMcpError {
  const ib = `(IB ${code}: ${text})`;
  if (connectionLostCodes.has(code))
    return new IbMcpError(
      "IB_UNAVAILABLE",
      `IB went away while handling ${subject}; check the order with place_order's token again before anything else ${ib}`,
      { retryAfterMs: IB_RETRY_AFTER_MS },
    );
  if (unknownOrderCodes.has(code))
    return new IbMcpError("NOT_FOUND", `IB does not know ${subject} or it can no longer be changed ${ib}`);
  // everything else IB says about an order is its reason for refusing it (margin, permissions, market closed, size)
  const what = refusedCodes.has(code) ? "refused" : "did not accept";
  return new IbMcpError("INVALID_ARGUMENT", `IB ${what} ${subject} ${ib}`);
}

/** The IB errors that end a wait on orders `ids`, as order rejections naming `subject`. */
export function orderErrors(ids: readonly number[], subject: string): ErrorMatch {
  return { ids, toError: (code, text) => orderRejection(code, text, subject) };
}
