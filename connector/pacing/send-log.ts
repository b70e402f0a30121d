import type { Budget } from "./types.ts";
import { insertSorted, prune } from "./window.ts";

/** A granted windowed request not yet released: IB counts it somewhere between its grant and its answer. */
export interface Unsent {
  budgets: Budget[];
  grantedAt: number;
}

export interface SendLog {
  /** Marks a granted request as possibly not yet counted by IB; `settle` it at its release. */
  granted(budgets: Budget[], at: number): Unsent;
  /** At the release: the request counted by now (or by grant + maxUnsentMs, if that is earlier). */
  settle(u: Unsent, now: number): boolean;
  /**
   * Starts a planning pass at `t0`: fixes requests never released, forgets expired keys now and then, and
   * returns the list of one budget's counted times (sends, plus unsent requests as "now"), built once per pass.
   */
  pass(t0: number): (b: Budget) => number[];
}

/**
 * When requests counted against IB's windows. A granted request counts as sent "now" until its release, and
 * at the release time after that: never earlier than IB counted it, whatever @stoqey/ib's send queue did.
 */
export function createSendLog(opts: { maxUnsentMs: number; sweepEveryMs: number }): SendLog {
  const { maxUnsentMs, sweepEveryMs } = opts;
  // Send times per budget key, kept only while they can still count against a window.
  const sends = new Map<string, { spanMs: number; times: number[] }>();
  const unsent = new Set<Unsent>();
  let nextSweepAt = 0;

  const record = (b: Budget, at: number) => {
    const log = sends.get(b.key) ?? { spanMs: b.spanMs, times: [] };
    sends.set(b.key, log);
    insertSorted(log.times, at, b.weight);
  };

  return {
    granted(budgets, at) {
      for (const b of budgets) if (b.atGrant) record(b, at);
      const u = { budgets: budgets.filter((b) => !b.atGrant), grantedAt: at };
      if (u.budgets.length > 0) unsent.add(u);
      return u;
    },
    settle(u, now) {
      if (!unsent.delete(u)) return false;
      const sentBy = Math.min(now, u.grantedAt + maxUnsentMs);
      for (const b of u.budgets) record(b, sentBy);
      return true;
    },
    pass(t0) {
      for (const u of unsent) {
        if (t0 - u.grantedAt < maxUnsentMs) continue;
        // Never released: surely sent by now, so fix it at the latest time it could have been.
        unsent.delete(u);
        for (const b of u.budgets) record(b, u.grantedAt + maxUnsentMs);
      }
      if (t0 >= nextSweepAt) {
        // Identical-request and per-contract keys are many and short-lived; forget the expired ones.
        for (const [key, log] of sends) {
          prune(log.times, t0, log.spanMs);
          if (log.times.length === 0) sends.delete(key);
        }
        nextSweepAt = t0 + sweepEveryMs;
      }
      const lists = new Map<string, number[]>();
      return (b: Budget) => {
        let list = lists.get(b.key);
        if (!list) {
          const log = sends.get(b.key)?.times ?? [];
          prune(log, t0, b.spanMs);
          list = [...log];
          for (const u of unsent) {
            const mine = u.budgets.find((x) => x.key === b.key);
            if (mine) insertSorted(list, Math.min(t0, u.grantedAt + maxUnsentMs), mine.weight);
          }
          lists.set(b.key, list);
        }
        return list;
      };
    },
  };
}
