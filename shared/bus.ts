import type { TradingMode } from "./mode.ts";

/** What travels with every tool call besides its arguments. */
export interface CallContext {
  requestId: string;
  /** Milliseconds the caller will wait; the callee must answer or give up within it. */
  timeoutMs: number;
  traceparent?: string;
  /** The authenticated caller's name (shared/principals.ts); travels as Headers.principal. */
  principal?: string;
  /**
   * Subscribes to the caller giving up before the deadline (its client hung up): the callee then frees what the
   * call holds (a pacing slot, a market data line). Returns what unsubscribes. Absent: only the deadline ends it.
   */
  onCancel?: (fn: (reason: unknown) => void) => () => void;
}

/**
 * The gateway's view of the connector: a tool call by name. Implemented over NATS request/reply and,
 * in the all-in-one process, in memory. Rejects only with IbMcpError.
 */
export interface Bus {
  call(mode: TradingMode, tool: string, args: unknown, ctx: CallContext): Promise<unknown>;
  /** True when a connector for the mode answered recently or answers a ping now. */
  ping(mode: TradingMode, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}
