import { IbMcpError } from "../../shared/errors.ts";
import type { Budget, Capacity, Waiter } from "./types.ts";
import { earliestFit, insertSorted } from "./window.ts";

export interface Plan {
  /** Waiters whose slot is now. */
  grants: Waiter[];
  /** Waiters whose slot is after their deadline, with the error they get. */
  refusals: Array<[Waiter, IbMcpError]>;
  /** The earliest future slot; +Infinity when none. */
  wakeAt: number;
}

/** At most a quarter of a pool is ever held back, so a small pool (1 news request per second) never stalls. */
const limitFor = (w: Waiter, b: Budget) =>
  b.pool ? b.limit - Math.min(w.reserve, Math.floor(b.limit / 4)) : b.limit;

/** The earliest time at or after `t0` that fits every window of `w` (a fixpoint: moving later for one may break another). */
function slotOf(w: Waiter, t0: number, listOf: (b: Budget) => number[]): { at: number; binding?: Budget } {
  let at = t0;
  let binding: Budget | undefined;
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of w.budgets) {
      const fit = earliestFit(listOf(b), at, b.weight, limitFor(w, b), b.spanMs);
      if (fit > at) {
        at = fit;
        binding = b;
        changed = true;
      }
    }
  }
  return { at, binding };
}

/**
 * One planning pass over the queue in fair order: each waiter gets the earliest time that fits every window it
 * counts against, given the sends already made and the times reserved by the waiters before it. So a waiter
 * never takes a slot one before it reserved, yet it may use a slot nobody before it can use: a request held
 * back only by its own contract's 2-second rule or the 15-second identical rule holds up no other contract.
 * Capacities (market data lines, open historical requests) go strictly in order: once a waiter finds none
 * free, those after it wait too, until a release.
 */
export function plan(
  ordered: readonly Waiter[],
  free: Record<Capacity, number>,
  listOf: (b: Budget) => number[],
  t0: number,
): Plan {
  const out: Plan = { grants: [], refusals: [], wakeAt: Number.POSITIVE_INFINITY };
  for (const w of ordered) {
    if (w.capacity) {
      if (free[w.capacity] <= 0) continue;
      free[w.capacity]--;
    }
    const { at, binding } = slotOf(w, t0, listOf);
    if (at > w.deadlineAt) {
      if (w.capacity) free[w.capacity]++;
      const retryAfterMs = Math.ceil(at - t0);
      out.refusals.push([
        w,
        at <= t0
          ? new IbMcpError("TIMEOUT", "the request's deadline passed while it waited in the IB pacing queue")
          : new IbMcpError(
              "RATE_LIMITED",
              `IB pacing (${binding?.rule ?? "queue"}): the next slot is in ${retryAfterMs} ms, after this request's deadline`,
              { retryAfterMs },
            ),
      ]);
      continue;
    }
    for (const b of w.budgets) insertSorted(listOf(b), at, b.weight);
    if (at <= t0) out.grants.push(w);
    else out.wakeAt = Math.min(out.wakeAt, at);
  }
  return out;
}
