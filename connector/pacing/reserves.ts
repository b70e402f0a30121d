import type { PacedKind, Waiter } from "./types.ts";

export interface Reserves {
  /** Notes that the waiter's principal drew from its kind's pool at `at`. */
  granted(w: Waiter, at: number): void;
  /** Sets each waiter's reserve for this planning pass (queue in fair order). */
  assign(ordered: readonly Waiter[], t0: number): void;
}

/**
 * Work conservation taken literally hands a whole window to a flood the moment it arrives, and a light principal
 * then waits for the window to roll although it wants one request. So a principal holding more than its share
 * of a pool (its grants within the window plus its queued requests, against the pool's limit split between the
 * principals active in it) leaves one slot free for every other principal that drew from the pool within the
 * window. A principal alone, or one under its share, has the whole pool. plan.ts caps the reserve at a quarter.
 */
export function createReserves(): Reserves {
  // grant times per kind and principal, kept for one window of the kind's pool
  const grants = new Map<PacedKind, Map<string, number[]>>();

  const recentOf = (kind: PacedKind, t0: number, spanMs: number): Map<string, number[]> => {
    const m = grants.get(kind) ?? new Map<string, number[]>();
    grants.set(kind, m);
    for (const [p, times] of m) {
      while (times.length > 0 && times[0]! <= t0 - spanMs) times.shift();
      if (times.length === 0) m.delete(p);
    }
    return m;
  };

  return {
    granted(w, at) {
      if (!w.budgets.some((b) => b.pool)) return;
      const m = grants.get(w.req.kind) ?? new Map<string, number[]>();
      grants.set(w.req.kind, m);
      const times = m.get(w.principal) ?? [];
      times.push(at);
      m.set(w.principal, times);
    },
    assign(ordered, t0) {
      const queued = new Map<PacedKind, Map<string, number>>();
      for (const w of ordered) {
        const q = queued.get(w.req.kind) ?? new Map<string, number>();
        queued.set(w.req.kind, q);
        q.set(w.principal, (q.get(w.principal) ?? 0) + 1);
      }
      // per kind, once a pass: who drew lately, and how many principals are active in the pool
      const perKind = new Map<PacedKind, { recent: Map<string, number[]>; active: number }>();
      for (const w of ordered) {
        w.reserve = 0;
        const pool = w.budgets.find((b) => b.pool);
        if (!pool) continue;
        const kind = w.req.kind;
        const q = queued.get(kind)!;
        let k = perKind.get(kind);
        if (!k) {
          const recent = recentOf(kind, t0, pool.spanMs);
          k = { recent, active: new Set([...recent.keys(), ...q.keys()]).size };
          perKind.set(kind, k);
        }
        const mine = k.recent.get(w.principal)?.length ?? 0;
        const others = k.recent.size - (mine > 0 ? 1 : 0);
        if (others > 0 && mine + (q.get(w.principal) ?? 0) > pool.limit / k.active) w.reserve = others;
      }
    },
  };
}
