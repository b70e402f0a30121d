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

/** One principal's (or metric label's) share of the pacer's work so far. */
export interface PrincipalPacing {
  queued: number;
  granted: number;
  rejected: number;
}

export interface PacerStats {
  queued: number;
  waitingByKind: Record<PacedKind, number>;
  granted: Record<PacedKind, number>;
  rejected: Record<PacedKind, number>;
  marketDataLinesInUse: number;
  historicalOpen: number;
  /** Keyed by metric label (PacerOptions.labelOf): bounded, whoever calls. */
  byPrincipal: Record<string, PrincipalPacing>;
}

export interface Pacer {
  /**
   * Resolves when the request may leave under every rule, each principal served in turn by its weight
   * (one principal alone: in arrival order); rejects at once with RATE_LIMITED (and retryAfterMs) when that is
   * after `deadlineAt` (epoch ms), when `admit` refuses it, or when the signal aborts. No principal: anonymous.
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
  /**
   * Paces "general" requests at this many per real second (never scaled: IB's 50 messages/s is wall-clock), so a
   * principal's burst of lookups waits its turn here, fairly, instead of ahead of everyone in @stoqey/ib's
   * send queue. Absent: general requests are never held.
   */
  messagesPerSec?: number;
  now?: () => number;
  setTimer?: SetTimer;
  /** A principal's share when others wait too (default 1 each); read when its request arrives. */
  weightOf?: (principal: string) => number;
  /** The label a principal's stats are kept under; keep it to a bounded set (default: the name). */
  labelOf?: (principal: string) => string;
  /**
   * Called before a request is queued: throws (an IbMcpError) to refuse it, or returns what to do when it is
   * granted or given up (a per-principal quota counts a request only once it leaves).
   */
  admit?: (req: PacedRequest, principal: string) => Admission | undefined;
}

/** A request let in by PacerOptions.admit: commit when it is granted, cancel when it never will be. */
export interface Admission {
  commit(): void;
  cancel(): void;
}

/** One window a waiter counts against (the pacer's bookkeeping). */
export interface Budget {
  key: string;
  rule: string;
  limit: number;
  spanMs: number;
  weight: number;
  /** Counted when granted: the message rate, where @stoqey/ib sends at once, not when IB answers. */
  atGrant?: boolean;
  /** A kind's one pool every principal draws from (not a per-contract or per-request rule): reserves apply. */
  pool?: boolean;
}

export type Capacity = "marketDataLines" | "historicalOpen" | "scannerSubscriptions";

/** A request queued in the pacer until its slot. */
export interface Waiter {
  req: PacedRequest;
  principal: string;
  /** Fair-queuing tags (fair-queue.ts) and arrival number; set when queued. */
  seq: number;
  start: number;
  finish: number;
  admission: Admission | undefined;
  /** Slots of its kind's pool this waiter must leave free for other principals (plan.ts); set per pass. */
  reserve: number;
  budgets: Budget[];
  capacity: Capacity | undefined;
  deadlineAt: number;
  resolve: (release: Release) => void;
  reject: (err: IbMcpError) => void;
  cleanup: () => void;
}
