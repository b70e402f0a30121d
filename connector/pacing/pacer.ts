import { IbMcpError } from "../../shared/errors.ts";
import { ANONYMOUS_PRINCIPAL } from "../../shared/principals.ts";
import { createRules } from "./budgets.ts";
import { createFairQueue } from "./fair-queue.ts";
import { ibPacingLimits } from "./limits.ts";
import { abortError } from "./pacer-messages.ts";
import { plan } from "./plan.ts";
import { createReserves } from "./reserves.ts";
import { createSendLog } from "./send-log.ts";
import type {
  Capacity,
  PacedKind,
  Pacer,
  PacerOptions,
  PacerStats,
  PrincipalPacing,
  Release,
  SetTimer,
  Waiter,
} from "./types.ts";

const kinds: readonly PacedKind[] = ["historical", "marketData", "fundamental", "news", "scanner", "general"];
const perKind = (): Record<PacedKind, number> =>
  Object.fromEntries(kinds.map((k) => [k, 0])) as Record<PacedKind, number>;

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
  const now = opts.now ?? Date.now;
  const setTimer = opts.setTimer ?? defaultSetTimer;
  const labelOf = opts.labelOf ?? ((p: string) => p);
  const log = createSendLog({
    maxUnsentMs: opts.maxUnsentMs ?? 60_000,
    sweepEveryMs: 60_000 * Math.min(1, scale),
  });
  const queue = createFairQueue(opts.weightOf ?? (() => 1));
  const reserves = createReserves();
  const held: Record<Capacity, number> = { marketDataLines: 0, historicalOpen: 0, scannerSubscriptions: 0 };
  const granted = perKind();
  const rejected = perKind();
  const byLabel = new Map<string, { granted: number; rejected: number }>();
  let cancelWake: (() => void) | undefined;

  const countFor = (w: Waiter, field: "granted" | "rejected") => {
    const label = labelOf(w.principal);
    const c = byLabel.get(label) ?? { granted: 0, rejected: 0 };
    c[field]++;
    byLabel.set(label, c);
  };

  const fail = (w: Waiter, err: IbMcpError) => {
    if (!queue.remove(w, false)) return;
    w.cleanup();
    w.admission?.cancel();
    rejected[w.req.kind]++;
    countFor(w, "rejected");
    w.reject(err);
  };

  const grant = (w: Waiter, at: number) => {
    if (!queue.remove(w, true)) return;
    w.cleanup();
    w.admission?.commit();
    granted[w.req.kind]++;
    countFor(w, "granted");
    reserves.granted(w, at);
    const cap = w.capacity;
    if (cap) held[cap]++;
    const pending = log.granted(w.budgets, at);
    let done = false;
    w.resolve(() => {
      if (done) return;
      done = true;
      if (cap) held[cap]--;
      const settled = log.settle(pending, now());
      if (cap || settled) replan();
    });
  };

  function replan(): void {
    cancelWake?.();
    cancelWake = undefined;
    const t0 = now();
    const listOf = log.pass(t0);
    const free: Record<Capacity, number> = {
      marketDataLines: rules.maxOf.marketDataLines - held.marketDataLines,
      historicalOpen: rules.maxOf.historicalOpen - held.historicalOpen,
      scannerSubscriptions: rules.maxOf.scannerSubscriptions - held.scannerSubscriptions,
    };
    const ordered = queue.ordered();
    reserves.assign(ordered, t0);
    const next = plan(ordered, free, listOf, t0);
    for (const [w, err] of next.refusals) fail(w, err);
    for (const w of next.grants) grant(w, t0);
    if (next.wakeAt < Number.POSITIVE_INFINITY)
      cancelWake = setTimer(replan, Math.max(1, Math.ceil(next.wakeAt - t0)));
  }

  function enqueue(w: Waiter, signal: AbortSignal | undefined): void {
    const cancelDeadline = setTimer(
      () => {
        // A window wait past the deadline is refused at planning time, so what is still queued after
        // this replan waits for a capacity that nobody released; when one frees cannot be known.
        replan();
        const what = w.capacity ? rules.capacityMessage(w.capacity) : "no slot before the deadline";
        fail(w, new IbMcpError("RATE_LIMITED", `IB pacing: ${what}`, { retryAfterMs: 1_000 }));
        replan();
      },
      Math.max(0, w.deadlineAt - now()),
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
    queue.push(w);
    replan();
  }

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
        enqueue(w, signal);
      });
    },
    stats(): PacerStats {
      const waitingByKind = perKind();
      const byPrincipal: Record<string, PrincipalPacing> = {};
      for (const [label, c] of byLabel) byPrincipal[label] = { queued: 0, ...c };
      for (const w of queue.ordered()) {
        waitingByKind[w.req.kind]++;
        const label = labelOf(w.principal);
        byPrincipal[label] ??= { queued: 0, granted: 0, rejected: 0 };
        byPrincipal[label].queued++;
      }
      return {
        queued: queue.size,
        waitingByKind,
        granted: { ...granted },
        rejected: { ...rejected },
        marketDataLinesInUse: held.marketDataLines,
        historicalOpen: held.historicalOpen,
        byPrincipal,
      };
    },
  };
}
