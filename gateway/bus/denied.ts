import { PermissionViolationError, RequestError } from "@nats-io/nats-core";
import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import { catalogue } from "../../shared/tools/index.ts";

const tradeTools = new Set(catalogue.filter((t) => t.access === "trade").map((t) => t.name));

/** NATS refused to let this gateway's user publish the request (its permissions in nats.conf). */
export function isPermissionDenied(err: unknown): boolean {
  return (
    err instanceof PermissionViolationError ||
    (err instanceof RequestError && err.cause instanceof PermissionViolationError)
  );
}

/**
 * What a refused publish means to the caller. An order tool refused is a read-only deployment (the gateway's
 * NATS user holds no right to send orders), said as READ_ONLY; a read tool refused is a misconfiguration.
 */
export function deniedError(mode: TradingMode, tool: string, subject: string, requestId: string): IbMcpError {
  if (tradeTools.has(tool))
    return new IbMcpError(
      "READ_ONLY",
      `this gateway's NATS user may not send ${subject}: it serves no order tools; a trading deployment runs its gateways as a NATS user allowed the order subjects (compose: trading.yml, user gateway_trading)`,
      { requestId },
    );
  return new IbMcpError(
    "INTERNAL",
    `this gateway's NATS user may not send ${subject} (${mode}); the NATS permissions (compose/nats/nats.conf) lack this tool: ask the operator to allow it`,
    { requestId },
  );
}
