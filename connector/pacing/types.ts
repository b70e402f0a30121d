import type { IbMcpError } from "../../shared/errors.ts";
import type { PacingLimits } from "./limits.ts";

/** What a request needs from the pacer; the connector builds one per IB request it is about to send. */
export type PacedRequest =
  | {
      kind: "historical";
      /** Equal for requests IB would call identical (contract, end, duration, bar size, whatToShow, RTH). */
      key: string;
      /** conId|exchange|whatToShow: the "same contract, exchange and tick type" of IB's 2-second rule. */
      contractKey: string;
      /** IB counts a BID_ASK request twice against the 10-minute budget; default 1. */
      weight?: 1 | 2;
    }
  | { kind: "marketData" }
  | { kind: "fundamental" }
  | { kind: "news" }
  /** Holds one of IB's few concurrent scanner subscriptions until its Release. */
  | { kind: "scanner" }
  | { kind: "general" };

export type PacedKind = PacedRequest["kind"];

/**
 * Call it when the answer arrived, the request failed or was cancelled (a `finally`). It frees a market data
 * line or an open historical slot, and marks the latest moment IB can have counted a paced request; until
 * then the request counts as sent "now", so a forgotten release slows its budget. Idempotent.
 */
export type Release = () => void;

export interface PacerStats {
  queued: number;
  waitingByKind: Record<PacedKind, number>;
  granted: Record<PacedKind, number>;
  rejected: Record<PacedKind, number>;
  marketDataLinesInUse: number;
  historicalOpen: number;
}

export interface Pacer {
  /**
   * Resolves when the request may leave under every rule, in arrival order; rejects at once with
   * RATE_LIMITED (and retryAfterMs) when that is after `deadlineAt` (epoch ms), or when the signal aborts.
   */
  acquire(req: PacedRequest, deadlineAt: number, signal?: AbortSignal, principal?: string): Promise<Release>;
  stats(): PacerStats;
}

/** Schedules `fn` after `ms`; returns a function that cancels it. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

export interface PacerOptions {
  /** Multiplies every window (the simulator takes the same factor); 1 means IB's real limits. */
  timeScale?: number;
  maxMarketDataLines: number;
  /**
   * Added to every window, in real (unscaled) ms: timer and clock granularity, and a request released
   * (aborted) while still in @stoqey/ib's send queue, which then reaches IB a little after its release.
   */
  safetyMarginMs?: number;
  /**
   * How long (real ms) a granted request that was never released may still be waiting to be sent; after
   * that it counts as sent at grant time + this. Guards against a caller that forgets to release.
   */
  maxUnsentMs?: number;
  limits?: Partial<PacingLimits>;
  now?: () => number;
  setTimer?: SetTimer;
}

/** One window a waiter counts against (the pacer's bookkeeping). */
export interface Budget {
  key: string;
  rule: string;
  limit: number;
  spanMs: number;
  weight: number;
}

export type Capacity = "marketDataLines" | "historicalOpen" | "scannerSubscriptions";

/** A request queued in the pacer until its slot. */
export interface Waiter {
  req: PacedRequest;
  budgets: Budget[];
  capacity: Capacity | undefined;
  deadlineAt: number;
  resolve: (release: Release) => void;
  reject: (err: IbMcpError) => void;
  cleanup: () => void;
}
