import type { PacedKind, Waiter } from "./types.ts";

/** Virtual-time bookkeeping of one kind of request: its clock and each principal's last finish tag. */
interface KindClock {
  virtual: number;
  lastFinish: Map<string, number>;
  /** Waiters of this kind, kept sorted by (finish tag, arrival). */
  waiting: Waiter[];
}

export interface FairQueue {
  /** Tags the waiter (its principal's share of its kind) and queues it. */
  push(w: Waiter): void;
  /** Takes a waiter out; `served` moves the kind's virtual clock to it. False when it was not queued. */
  remove(w: Waiter, served: boolean): boolean;
  /** Every queued waiter, each kind in its fair order (kinds share no budget, so their relative order is moot). */
  ordered(): Waiter[];
  readonly size: number;
}

/** Index of the first waiter that comes after `w` in fair order. */
function insertionPoint(list: readonly Waiter[], w: Waiter): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = list[mid]!;
    if (m.finish < w.finish || (m.finish === w.finish && m.seq < w.seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Weighted fair queuing per kind (start-time tags as in SFQ, served by finish tag as in WFQ): a waiter's start
 * tag is the later of the kind's virtual clock and its principal's previous finish; its finish adds cost/weight.
 * A principal that was idle starts at the clock, so it is served next instead of behind a flood; busy principals
 * interleave in proportion to their weights; one principal alone is served in arrival order. Each kind has its
 * own clock: a flood of historical requests costs its sender nothing on news or market data.
 */
export function createFairQueue(weightOf: (principal: string) => number): FairQueue {
  const clocks = new Map<PacedKind, KindClock>();
  let seq = 0;
  let size = 0;

  const clockOf = (kind: PacedKind): KindClock => {
    let c = clocks.get(kind);
    if (!c) {
      c = { virtual: 0, lastFinish: new Map(), waiting: [] };
      clocks.set(kind, c);
    }
    return c;
  };

  const hasQueued = (c: KindClock, principal: string) => c.waiting.some((x) => x.principal === principal);

  return {
    push(w) {
      const c = clockOf(w.req.kind);
      const weight = weightOf(w.principal);
      const cost = w.req.kind === "historical" ? (w.req.weight ?? 1) : 1;
      w.seq = ++seq;
      w.start = Math.max(c.virtual, c.lastFinish.get(w.principal) ?? 0);
      w.finish = w.start + cost / (weight > 0 ? weight : 1);
      c.lastFinish.set(w.principal, w.finish);
      // a finish at or behind the clock starts the next request at the clock anyway: forget it (many principals)
      if (c.lastFinish.size > 64)
        for (const [p, f] of c.lastFinish) if (f <= c.virtual) c.lastFinish.delete(p);
      c.waiting.splice(insertionPoint(c.waiting, w), 0, w);
      size++;
    },
    remove(w, served) {
      const c = clockOf(w.req.kind);
      const i = c.waiting.indexOf(w);
      if (i < 0) return false;
      c.waiting.splice(i, 1);
      size--;
      if (served) c.virtual = Math.max(c.virtual, w.start);
      // A principal with nothing queued keeps no debt: one whose requests were refused or aborted starts
      // afresh at the clock, and the map forgets principals that come and go.
      if (!hasQueued(c, w.principal)) {
        const last = c.lastFinish.get(w.principal) ?? 0;
        if (!served || last <= c.virtual) c.lastFinish.delete(w.principal);
      }
      return true;
    },
    ordered() {
      const out: Waiter[] = [];
      for (const c of clocks.values()) out.push(...c.waiting);
      return out;
    },
    get size() {
      return size;
    },
  };
}
