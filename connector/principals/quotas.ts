import { IbMcpError } from "../../shared/errors.ts";
import type { Quotas } from "../../shared/principals.ts";
import type { Admission, PacedRequest } from "../pacing/index.ts";

const MINUTE_MS = 60_000;
const TEN_MINUTES_MS = 600_000;
/** A running call's end cannot be foreseen; this is when a retry has a fair chance. */
const CONCURRENT_RETRY_MS = 1_000;

export interface QuotaGuard {
  /**
   * Counts a tool call against its principal's calls_per_minute and concurrent quotas, or throws RATE_LIMITED
   * (changing nothing). Returns what ends the call; call it once, when the caller has its answer.
   */
  enter(principal: string): () => void;
  /** The pacer's admit hook: historical_per_10min, counted when a historical request leaves for IB. */
  admit(req: PacedRequest, principal: string): Admission | undefined;
  /** Refusals so far by metric label and quota, e.g. `{ research: { calls_per_minute: 3 } }`. */
  stats(): Record<string, Partial<Record<QuotaKey, number>>>;
}

type QuotaKey = "calls_per_minute" | "concurrent" | "historical_per_10min";

export interface QuotaGuardOptions {
  quotasOf: (principal: string) => Quotas;
  /** The label refusals are counted under; keep it to a bounded set (default: the name). */
  labelOf?: (principal: string) => string;
  now?: () => number;
}

interface Usage {
  /** Start times of calls in the last minute (only while the principal has that quota). */
  calls: number[];
  running: number;
  /** Times historical requests left for IB in the last 10 minutes, and those admitted but still queued. */
  historical: number[];
  historicalPending: number;
}

function refusal(principal: string, what: string, quotaKey: QuotaKey, retryAfterMs: number): IbMcpError {
  const secs = Math.max(1, Math.ceil(retryAfterMs / 1_000));
  return new IbMcpError(
    "RATE_LIMITED",
    `principal "${principal}" reached its quota of ${what} (${quotaKey} in MCP_PRINCIPALS_FILE); retry in ${secs} s, or ask the operator to raise ${quotaKey} for "${principal}"`,
    { retryAfterMs: Math.max(1, Math.ceil(retryAfterMs)) },
  );
}

/** Drops times older than `windowMs` before `now` (the list is in time order). */
function expire(times: number[], now: number, windowMs: number): void {
  let i = 0;
  while (i < times.length && times[i]! <= now - windowMs) i++;
  if (i > 0) times.splice(0, i);
}

/** A historical request let in: pending until it leaves for IB (counted then) or is given up (counted never). */
function admission(u: Usage, cost: number, now: () => number, forget: () => void): Admission {
  u.historicalPending += cost;
  let settled = false;
  const settle = (sent: boolean) => {
    if (settled) return;
    settled = true;
    u.historicalPending -= cost;
    if (sent) for (let i = 0; i < cost; i++) u.historical.push(now());
    forget();
  };
  return { commit: () => settle(true), cancel: () => settle(false) };
}

/**
 * Per-principal quotas, enforced by the connector so they hold however many gateway replicas forward calls.
 * Windows are rolling; a refused call counts for nothing. Quotas are read per call, so a reload of the
 * principals file applies to the next call; a quota absent is unlimited and costs no bookkeeping.
 * Coalesced calls: every caller's call counts against its own calls_per_minute and concurrent quotas (it is a
 * call the agent made), but the one IB historical request they share counts once, against the principal whose
 * call started it; a repeat answered from the history cache sends nothing and counts nothing.
 */
export function createQuotaGuard(opts: QuotaGuardOptions): QuotaGuard {
  const now = opts.now ?? Date.now;
  const labelOf = opts.labelOf ?? ((p: string) => p);
  const usage = new Map<string, Usage>();
  const refused = new Map<string, Partial<Record<QuotaKey, number>>>();
  const refuse = (principal: string, what: string, key: QuotaKey, retryAfterMs: number) => {
    const label = labelOf(principal);
    const counts = refused.get(label) ?? {};
    counts[key] = (counts[key] ?? 0) + 1;
    refused.set(label, counts);
    return refusal(principal, what, key, retryAfterMs);
  };
  const usageOf = (p: string): Usage => {
    let u = usage.get(p);
    if (!u) {
      u = { calls: [], running: 0, historical: [], historicalPending: 0 };
      usage.set(p, u);
    }
    return u;
  };
  const forget = (p: string, u: Usage) => {
    if (u.running === 0 && u.historicalPending === 0 && u.calls.length === 0 && u.historical.length === 0)
      usage.delete(p);
  };

  return {
    enter(principal) {
      const q = opts.quotasOf(principal);
      if (q.calls_per_minute === undefined && q.concurrent === undefined) return () => undefined;
      const t = now();
      const u = usageOf(principal);
      expire(u.calls, t, MINUTE_MS);
      if (q.concurrent !== undefined && u.running >= q.concurrent) {
        forget(principal, u);
        throw refuse(principal, `${q.concurrent} concurrent calls`, "concurrent", CONCURRENT_RETRY_MS);
      }
      if (q.calls_per_minute !== undefined && u.calls.length >= q.calls_per_minute) {
        const oldest = u.calls[u.calls.length - q.calls_per_minute]!;
        throw refuse(
          principal,
          `${q.calls_per_minute} calls per minute`,
          "calls_per_minute",
          oldest + MINUTE_MS - t,
        );
      }
      if (q.calls_per_minute !== undefined) u.calls.push(t);
      u.running++;
      let left = false;
      return () => {
        if (left) return;
        left = true;
        u.running--;
        forget(principal, u);
      };
    },
    admit(req, principal) {
      if (req.kind !== "historical") return undefined;
      const limit = opts.quotasOf(principal).historical_per_10min;
      if (limit === undefined) return undefined;
      const t = now();
      const u = usageOf(principal);
      expire(u.historical, t, TEN_MINUTES_MS);
      const cost = req.weight ?? 1;
      if (u.historical.length + u.historicalPending + cost > limit) {
        const oldest = u.historical[0];
        const retry = oldest === undefined ? CONCURRENT_RETRY_MS : oldest + TEN_MINUTES_MS - t;
        forget(principal, u);
        throw refuse(principal, `${limit} historical requests per 10 min`, "historical_per_10min", retry);
      }
      return admission(u, cost, now, () => forget(principal, u));
    },
    stats: () => Object.fromEntries([...refused].map(([label, c]) => [label, { ...c }])),
  };
}
