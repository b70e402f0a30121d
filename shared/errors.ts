import { z } from "zod";

/** The one table of error codes used by the connector, the bus and the gateway. */
export const ErrorCode = z.enum([
  "INVALID_ARGUMENT",
  "NOT_FOUND",
  "CONNECTOR_UNAVAILABLE",
  "IB_UNAVAILABLE",
  "TIMEOUT",
  "RATE_LIMITED",
  "NO_MARKET_DATA_PERMISSION",
  "CLIENT_ID_IN_USE",
  "READ_ONLY",
  "FORBIDDEN",
  "INTERNAL",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** HTTP-like numeric codes for the `Nats-Service-Error-Code` header, so `nats req` shows a familiar number. */
export const serviceStatusOf: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  READ_ONLY: 403,
  FORBIDDEN: 403,
  NO_MARKET_DATA_PERMISSION: 403,
  CLIENT_ID_IN_USE: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  IB_UNAVAILABLE: 503,
  CONNECTOR_UNAVAILABLE: 503,
  TIMEOUT: 504,
};

const retryableByDefault: Record<ErrorCode, boolean> = {
  INVALID_ARGUMENT: false,
  NOT_FOUND: false,
  READ_ONLY: false,
  FORBIDDEN: false,
  NO_MARKET_DATA_PERMISSION: false,
  CLIENT_ID_IN_USE: true,
  RATE_LIMITED: true,
  INTERNAL: false,
  IB_UNAVAILABLE: true,
  CONNECTOR_UNAVAILABLE: true,
  TIMEOUT: true,
};

export const ErrorInfo = z.object({
  code: ErrorCode,
  message: z.string(),
  retryable: z.boolean(),
  retryAfterMs: z.number().int().nonnegative().optional(),
  requestId: z.string().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/** The JSON body of an error reply on the bus. */
export const ErrorBody = z.object({ error: ErrorInfo });
export type ErrorBody = z.infer<typeof ErrorBody>;

export interface IbMcpErrorOptions {
  retryable?: boolean;
  retryAfterMs?: number;
  requestId?: string;
  cause?: unknown;
}

/** An error that carries one of the shared codes; the only kind of error that crosses a boundary. */
export class IbMcpError extends Error {
  override readonly name = "IbMcpError";
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;

  constructor(code: ErrorCode, message: string, options: IbMcpErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? retryableByDefault[code];
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = options.requestId;
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.retryAfterMs !== undefined) info.retryAfterMs = this.retryAfterMs;
    if (this.requestId !== undefined) info.requestId = this.requestId;
    return info;
  }

  static fromInfo(info: ErrorInfo): IbMcpError {
    return new IbMcpError(info.code, info.message, info);
  }
}

/** Any thrown value as an IbMcpError; unknown failures become INTERNAL without leaking their text. */
export function toIbMcpError(err: unknown, fallbackMessage = "internal error"): IbMcpError {
  if (err instanceof IbMcpError) return err;
  return new IbMcpError("INTERNAL", fallbackMessage, { cause: err });
}

/** What an agent should do next for each code; appended to the message the gateway returns. */
export function nextStepFor(info: ErrorInfo, mode: string): string {
  const seconds =
    info.retryAfterMs !== undefined ? Math.max(1, Math.ceil(info.retryAfterMs / 1000)) : undefined;
  switch (info.code) {
    case "INVALID_ARGUMENT":
      return "Fix the arguments as described and call again.";
    case "NOT_FOUND":
      return "Check the symbol, security type, exchange and currency (search_contracts helps), then call again.";
    case "CONNECTOR_UNAVAILABLE":
      return `Retry in a few seconds. If it persists: when no connector is serving ${mode} mode, ask the operator to start it (npm run connector with TRADING_MODE=${mode}); when the message names a store, ask them to check NATS JetStream.`;
    case "IB_UNAVAILABLE":
      return `Interactive Brokers is not reachable right now; retry in ${seconds ?? 5} s. If it persists, ask the operator to check IB Gateway.`;
    case "TIMEOUT":
      return "The request ran out of time; retry once, with a smaller request (shorter duration, fewer bars) if it repeats.";
    case "RATE_LIMITED":
      return `IB pacing limits apply; retry in ${seconds ?? 15} s, or ask for less data.`;
    case "NO_MARKET_DATA_PERMISSION":
      return "The account has no market data subscription for this; try delayed data or another instrument.";
    case "CLIENT_ID_IN_USE":
      return "Another program uses the connector's IB clientId; ask the operator to set a different IB_CLIENT_ID or stop the other program.";
    case "READ_ONLY":
      return "This server is read-only; trading needs the operator to enable it explicitly.";
    case "FORBIDDEN":
      return "Your credentials do not carry the scope this needs; use the tools you are offered, or ask the operator to grant the scope (MCP_PRINCIPALS_FILE, or your identity provider).";
    case "INTERNAL":
      return "This is a bug in ib-mcp; retry once and report it with the request id if it repeats.";
  }
}
