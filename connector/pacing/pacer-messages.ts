import { IbMcpError } from "../../shared/errors.ts";

/** A window as a person reads it in a RATE_LIMITED message: "10 min", "2 s", "150 ms". */
export function describeWindow(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1_000) return `${+(ms / 1_000).toFixed(3)} s`;
  return `${+ms.toFixed(3)} ms`;
}

/** What a caller gets when its wait for IB pacing is cancelled (its own reason when it gave one). */
export function abortError(signal: AbortSignal): IbMcpError {
  if (signal.reason instanceof IbMcpError) return signal.reason;
  return new IbMcpError("TIMEOUT", "the request was cancelled while it waited for IB pacing", {
    cause: signal.reason,
  });
}
