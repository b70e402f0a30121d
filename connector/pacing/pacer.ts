import { IbMcpError } from "../../shared/errors.ts";
import { ANONYMOUS_PRINCIPAL } from "../../shared/principals.ts";
import { createRules } from "./budgets.ts";
import { createFairQueue } from "./fair-queue.ts";
import { ibPacingLimits } from "./limits.ts";
import { abortError } from "./pacer-messages.ts";
import { createPacerCounters } from "./pacer-stats.ts";
import { createReserves } from "./reserves.ts";
import { createScheduler } from "./scheduler.ts";
import { createSendLog } from "./send-log.ts";
import type { Pacer, PacerOptions, Release, SetTimer, Waiter } from "./types.ts";

const defaultSetTimer: SetTimer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

/**
 * IB's pacing rules as a scheduler, shared fairly between principals. Every change (arrival, grant time,
 * release, abort) replans the whole queue (plan.ts) in fair order (fair-queue.ts): a principal's requests
 * interleave with the others' by weight instead of queueing behind a flood, and one principal alone has all
 * of IB in arrival order.
 *
 * When does a request count? IB counts it on arrival, somewhere between our grant and the answer, and the
 * gap is not ours to see (@stoqey/ib queues sends at its messages/s rate; a burst of other messages can
 * delay one request more than a later one). So a granted request counts as sent "now" until its Release,
 * and at the release time after that (send-log.ts).
 */
export function createPacer(opts: PacerOptions): Pacer {
  const scale = opts.timeScale ?? 1;
  if (!(scale > 0)) throw new IbMcpError("INVALID_ARGUMENT", `pacer timeScale must be > 0, got ${scale}`);
  const rules = createRules(
    { ...ibPacingLimits, ...opts.limits },
    scale,
    opts.safetyMarginMs ?? 20,
    opts.maxMarketDataLines,
    opts.messagesPerSec,
  );
  const queue = createFairQueue(opts.weightOf ?? (() => 1));
  const counters = createPacerCounters(opts.labelOf ?? ((p: string) => p));
  const scheduler = createScheduler({
    rules,
    queue,
    counters,
    log: createSendLog({
      maxUnsentMs: opts.maxUnsentMs ?? 60_000,
      sweepEveryMs: 60_000 * Math.min(1, scale),
    }),
    reserves: createReserves(),
    now: opts.now ?? Date.now,
    setTimer: opts.setTimer ?? defaultSetTimer,
  });

  return {
    acquire(req, deadlineAt, signal, principal = ANONYMOUS_PRINCIPAL) {
      if (signal?.aborted) return Promise.reject(abortError(signal));
      let admission: Waiter["admission"];
      try {
        admission = opts.admit?.(req, principal);
      } catch (err) {
        return Promise.reject(err);
      }
      return new Promise<Release>((resolve, reject) => {
        const w: Waiter = {
          req,
          principal,
          seq: 0,
          reserve: 0,
          start: 0,
          finish: 0,
          admission,
          budgets: rules.budgetsOf(req),
          capacity: rules.capacityOf(req),
          deadlineAt,
          resolve,
          reject,
          cleanup: () => undefined,
        };
        scheduler.enqueue(w, signal);
      });
    },
    stats: () => counters.stats(queue.ordered(), scheduler.held),
  };
}
