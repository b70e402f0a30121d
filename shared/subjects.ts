import type { TradingMode } from "./mode.ts";

/** The NATS micro service name every connector registers. */
export const SERVICE_NAME = "ib-connector";

/** The subject prefix of one mode: every tool of that mode lives below it. */
export function subjectPrefix(mode: TradingMode): string {
  return `ib.${mode}`;
}

/** `ib.<mode>.<tool>`: the subject a tool call travels on. */
export function subjectFor(mode: TradingMode, tool: string): string {
  return `${subjectPrefix(mode)}.${tool}`;
}

/** Headers on bus requests. None starts with `Nats-`: that prefix is the server's. */
export const Headers = {
  requestId: "X-Request-Id",
  traceparent: "traceparent",
  /** Milliseconds the caller will still wait; the connector must answer (or give up) within it. */
  timeoutMs: "X-Timeout-Ms",
  /** A random id the caller may cancel the call by (see CANCEL_ENDPOINT); absent, only the deadline ends it. */
  cancelId: "X-Cancel-Id",
  /**
   * The calling principal's name (shared/principals.ts). Set by the gateway from the authenticated caller, never
   * taken from the agent; NATS permissions let only gateways publish tool subjects. Absent: ANONYMOUS_PRINCIPAL.
   */
  principal: "X-Principal",
} as const;

/**
 * `ib.<mode>._cancel`: a caller that stops waiting (its HTTP client hung up) publishes the call's X-Cancel-Id
 * here, and the connector aborts that call, freeing its pacing slot and market data line. No reply.
 */
export const CANCEL_ENDPOINT = "_cancel";
