import { IbMcpError } from "../../shared/errors.ts";

/** How long a caller should wait before retrying while IB is unreachable. */
export const IB_RETRY_AFTER_MS = 5_000;

/** IB's historical-data pacing window: a retry sooner than this is refused again. */
const PACING_RETRY_AFTER_MS = 15_000;

/** Codes that mean the session with IB is gone: in-flight requests cannot complete. */
export const connectionLostCodes: ReadonlySet<number> = new Set([1100, 2110, 504, 502]);

/** Codes telling that a data farm broke (degraded) or came back (ready again). */
export const farmBrokenCodes: ReadonlySet<number> = new Set([2103, 2105, 2157]);
export const farmOkCodes: ReadonlySet<number> = new Set([2104, 2106, 2158]);

/** A market data line frees as soon as another snapshot ends. */
const MARKET_DATA_RETRY_AFTER_MS = 1_000;

const noPermissionCodes = new Set([354, 10089, 10090, 10167, 10168, 10197]);

/**
 * An IB error code and text as an IbMcpError. `subject` names what was asked for (e.g. "AAPLX (STK on SMART,
 * USD)") so NOT_FOUND messages say which instrument was not found.
 */
export function ibErrorToIbMcp(code: number, text: string, subject?: string): IbMcpError {
  const about = subject ? ` for ${subject}` : "";
  const ib = `(IB ${code}: ${text})`;
  if (code === 200) return new IbMcpError("NOT_FOUND", `No security definition${about} ${ib}`);
  if (code === 162 || code === 420) {
    if (/pacing|violation|identical/i.test(text))
      return new IbMcpError("RATE_LIMITED", `IB refused the request for pacing${about} ${ib}`, {
        retryAfterMs: PACING_RETRY_AFTER_MS,
      });
    if (/no data|returned no/i.test(text)) return new IbMcpError("NOT_FOUND", `IB has no data${about} ${ib}`);
  }
  // the pacer keeps the line count under IB_MAX_MARKET_DATA_LINES; 101 means the account has fewer lines than that
  if (code === 101)
    return new IbMcpError(
      "RATE_LIMITED",
      `IB has no free market data line${about}; lower IB_MAX_MARKET_DATA_LINES to the account's limit ${ib}`,
      { retryAfterMs: MARKET_DATA_RETRY_AFTER_MS },
    );
  // reqNewsArticle for an id IB does not know (or a provider that never published it)
  if (code === 10172)
    return new IbMcpError(
      "NOT_FOUND",
      `No news article${about}; get_historical_news lists the article ids each provider has ${ib}`,
    );
  if (code === 430) return new IbMcpError("NOT_FOUND", `IB has no fundamental data${about} ${ib}`);
  if (noPermissionCodes.has(code))
    return new IbMcpError("NO_MARKET_DATA_PERMISSION", `No market data permission${about} ${ib}`);
  if (connectionLostCodes.has(code) || code === 1300)
    return new IbMcpError("IB_UNAVAILABLE", `Interactive Brokers is unavailable ${ib}`, {
      retryAfterMs: IB_RETRY_AFTER_MS,
    });
  if (code === 326) return new IbMcpError("CLIENT_ID_IN_USE", `IB clientId is already in use ${ib}`);
  // 10314: a date or time zone IB cannot read (historical bars and ticks)
  if (code === 321 || code === 320 || code === 203 || code === 10314)
    return new IbMcpError("INVALID_ARGUMENT", `IB rejected the request${about} ${ib}`);
  return new IbMcpError("INTERNAL", `IB error${about} ${ib}`);
}

/** The message for a failed connect: host:port, the OS error, and the ports IB products usually listen on. */
export function describeConnectFailure(host: string, port: number, reason: string): string {
  return (
    `cannot connect to IB at ${host}:${port}: ${reason}. Check IB_HOST and IB_PORT: IB Gateway listens on ` +
    "4002 (paper) / 4001 (live), TWS on 7497 (paper) / 7496 (live), the gnzsnz/ib-gateway container on " +
    "4004 (paper) / 4003 (live); the API must be enabled in its settings."
  );
}

/** The message for code 326, naming the clientId and how to pick another one. */
export function describeClientIdInUse(clientId: number): string {
  return (
    `IB clientId ${clientId} is already in use by another API client of this IB Gateway/TWS. ` +
    "Set IB_CLIENT_ID to an unused id or stop the other program; retrying slowly."
  );
}
