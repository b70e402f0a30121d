import { IbMcpError } from "../../shared/errors.ts";
import type { Rules } from "./budgets.ts";
import type { FairQueue } from "./fair-queue.ts";
import { abortError } from "./pacer-messages.ts";
import type { PacerCounters } from "./pacer-stats.ts";
import { plan } from "./plan.ts";
import type { Reserves } from "./reserves.ts";
import type { SendLog } from "./send-log.ts";
import type { Capacity, SetTimer, Waiter } from "./types.ts";

export interface SchedulerDeps {
  rules: Rules;
  log: SendLog;
  queue: FairQueue;
  reserves: Reserves;
  counters: PacerCounters;
  now: () => number;
  setTimer: SetTimer;
}

export interface Scheduler {
  /** Queues a waiter (its deadline and abort armed) and replans. */
  enqueue(w: Waiter, signal: AbortSignal | undefined): void;
  /** Capacities held by granted, unreleased requests. */
  readonly held: Readonly<Record<Capacity, number>>;
}

/** The pacer's moving part: grants, refusals, releases, and a replan (plan.ts) after every change. */
export function createScheduler(d: SchedulerDeps): Scheduler {
  const held: Record<Capacity, number> = { marketDataLines: 0, historicalOpen: 0, scannerSubscriptions: 0 };
  let cancelWake: (() => void) | undefined;

  const fail = (w: Waiter, err: IbMcpError) => {
    if (!d.queue.remove(w, false)) return;
    w.cleanup();
    w.admission?.cancel();
    d.counters.count(w, "rejected");
    w.reject(err);
  };

  const grant = (w: Waiter, at: number) => {
    if (!d.queue.remove(w, true)) return;
    w.cleanup();
    w.admission?.commit();
    d.counters.count(w, "granted");
    d.reserves.granted(w, at);
    const cap = w.capacity;
    if (cap) held[cap]++;
    const pending = d.log.granted(w.budgets, at);
    let done = false;
    w.resolve(() => {
      if (done) return;
      done = true;
      if (cap) held[cap]--;
      const settled = d.log.settle(pending, d.now());
      if (cap || settled) replan();
    });
  };

  function replan(): void {
    cancelWake?.();
    cancelWake = undefined;
    const t0 = d.now();
    const listOf = d.log.pass(t0);
    const free = { ...d.rules.maxOf };
    for (const c of Object.keys(free) as Capacity[]) free[c] -= held[c];
    const ordered = d.queue.ordered();
    d.reserves.assign(ordered, t0);
    const next = plan(ordered, free, listOf, t0);
    for (const [w, err] of next.refusals) fail(w, err);
    for (const w of next.grants) grant(w, t0);
    if (next.wakeAt < Number.POSITIVE_INFINITY)
      cancelWake = d.setTimer(replan, Math.max(1, Math.ceil(next.wakeAt - t0)));
  }

  function enqueue(w: Waiter, signal: AbortSignal | undefined): void {
    const cancelDeadline = d.setTimer(
      () => {
        // A window wait past the deadline is refused at planning time, so what is still queued after
        // this replan waits for a capacity that nobody released; when one frees cannot be known.
        replan();
        const what = w.capacity ? d.rules.capacityMessage(w.capacity) : "no slot before the deadline";
        fail(w, new IbMcpError("RATE_LIMITED", `IB pacing: ${what}`, { retryAfterMs: 1_000 }));
        replan();
      },
      Math.max(0, w.deadlineAt - d.now()),
    );
    const onAbort = () => {
      if (signal) fail(w, abortError(signal));
      replan();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    w.cleanup = () => {
      cancelDeadline();
      signal?.removeEventListener("abort", onAbort);
    };
    d.queue.push(w);
    replan();
  }

  return { enqueue, held };
}
