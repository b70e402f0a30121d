import { IbMcpError } from "../../shared/errors.ts";

/** Where the bus-set kill switch stands: on, off, or unknown because the store could not be read. */
export type BusKillSwitch = "on" | "off" | "unknown";

/**
 * The risk state every connector of a mode shares: the kill switch thrown over the bus and the notional counted
 * per UTC day. In JetStream KV when NATS is there (so the hot standby and a restarted connector see it), in this
 * process's memory in the all-in-one process. Every method throws CONNECTOR_UNAVAILABLE naming the store when it
 * cannot read or write it; callers fail closed.
 */
export interface RiskStore {
  /** For get_connection_status: "memory" or "jetstream-kv:<bucket>". */
  readonly name: string;
  killSwitch(): Promise<boolean>;
  setKillSwitch(on: boolean): Promise<void>;
  /** The notional counted against `day`'s cap (YYYY-MM-DD, UTC). */
  dailyUsed(day: string): Promise<number>;
  /**
   * Adds `delta` (negative to give back) to `day`'s total as one compare-and-set, so two writers never lose an
   * increment. `check` sees the total before the change and throws to refuse it; nothing is written then.
   * Resolves with the new total.
   */
  addDaily(day: string, delta: number, check?: (used: number) => void): Promise<number>;
}

/** The UTC day a notional is counted on. */
export const utcDay = (now: number): string => new Date(now).toISOString().slice(0, 10);

/** The retryable error of a risk store that did not answer; nothing was sent. */
export function riskStoreUnavailable(store: string, cause: unknown): IbMcpError {
  return new IbMcpError(
    "CONNECTOR_UNAVAILABLE",
    `the risk store (${store}: kill switch and daily notional) cannot be read or written, so no new order or modification is sent (cancels still work); retry in a few seconds, or ask the operator to check NATS JetStream`,
    { cause, retryAfterMs: 2_000 },
  );
}

/** Adds `delta` to `used`, never below zero (a give-back after the day's key was reset). */
export const addNotional = (used: number, delta: number): number => Math.max(0, used + delta);
