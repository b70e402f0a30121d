import { IbMcpError } from "../../shared/errors.ts";
import { ibPacingLimits, type PacingLimits, type WindowLimit } from "./limits.ts";
import { abortError, describeWindow } from "./pacer-messages.ts";
import type {
  Budget,
  Capacity,
  PacedKind,
  PacedRequest,
  Pacer,
  PacerOptions,
  PacerStats,
  Release,
  SetTimer,
  Waiter,
} from "./types.ts";
import { earliestFit, insertSorted, prune } from "./window.ts";

const kinds: readonly PacedKind[] = ["historical", "marketData", "fundamental", "news", "scanner", "general"];
const perKind = (): Record<PacedKind, number> =>
  Object.fromEntries(kinds.map((k) => [k, 0])) as Record<PacedKind, number>;

const defaultSetTimer: SetTimer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

/**
 * IB's pacing rules as a scheduler. Every change (arrival, grant time, release, abort) replans the whole
 * queue in arrival order: each waiter gets the earliest time that fits every window it counts against,
 * given the sends already made and the times reserved by the waiters ahead of it. So a later request never
 * takes a slot an earlier one has reserved, yet it may use a slot nobody ahead can use: a request held back
 * only by its own contract's 2-second rule or the 15-second identical rule does not hold up other contracts.
 * Capacities (market data lines, open historical requests) are strictly FIFO: once a waiter finds none
 * free, those behind it wait too, until a Release.
 *
 * When does a request count? IB counts it on arrival, somewhere between our grant and the answer, and the
 * gap is not ours to see (@stoqey/ib queues sends at its messages/s rate; a burst of other messages can
 * delay one request more than a later one). So a granted request counts as sent "now" until its Release,
 * and at the release time after that: never earlier than IB counted it, whatever the send queue did.
 */
export function createPacer(opts: PacerOptions): Pacer {
  const scale = opts.timeScale ?? 1;
  if (!(scale > 0)) throw new IbMcpError("INVALID_ARGUMENT", `pacer timeScale must be > 0, got ${scale}`);
  const limits: PacingLimits = { ...ibPacingLimits, ...opts.limits };
  const margin = opts.safetyMarginMs ?? 20;
  const maxUnsentMs = opts.maxUnsentMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const setTimer = opts.setTimer ?? defaultSetTimer;

  // Send times per budget key, kept only while they can still count against a window.
  const sends = new Map<string, { spanMs: number; times: number[] }>();
  let nextSweepAt = 0;
  const held: Record<Capacity, number> = { marketDataLines: 0, historicalOpen: 0, scannerSubscriptions: 0 };
  const maxOf: Record<Capacity, number> = {
    marketDataLines: opts.maxMarketDataLines,
    historicalOpen: limits.historicalOpen,
    scannerSubscriptions: limits.scannerSubscriptions,
  };
  const queue: Waiter[] = [];
  // Granted windowed requests not yet released: IB counts them when they arrive, which is somewhere
  // between the grant and the release (the answer), so until the release they count as sent "now".
  const unsent = new Set<{ budgets: Budget[]; grantedAt: number }>();
  const granted = perKind();
  const rejected = perKind();
  let cancelWake: (() => void) | undefined;

  const budget = (key: string, w: WindowLimit, rule: string, weight = 1): Budget => {
    const windowMs = w.windowMs * scale;
    return {
      key,
      limit: w.limit,
      spanMs: windowMs + margin,
      weight,
      rule: `${rule}: at most ${w.limit} per ${describeWindow(windowMs)}`,
    };
  };

  const budgetsOf = (req: PacedRequest): Budget[] => {
    switch (req.kind) {
      case "historical":
        return [
          budget("historical", limits.historical, "historical data requests", req.weight ?? 1),
          budget(
            `contract:${req.contractKey}`,
            limits.historicalSameContract,
            "historical requests for one contract, exchange and tick type",
          ),
          budget(`identical:${req.key}`, limits.historicalIdentical, "identical historical requests"),
        ];
      case "fundamental":
        return [budget("fundamental", limits.fundamental, "fundamental data requests")];
      case "news":
        return [budget("news", limits.news, "news requests")];
      default:
        return [];
    }
  };

  const capacityOf = (req: PacedRequest): Capacity | undefined =>
    req.kind === "marketData"
      ? "marketDataLines"
      : req.kind === "historical"
        ? "historicalOpen"
        : req.kind === "scanner"
          ? "scannerSubscriptions"
          : undefined;

  const capacityMessage = (c: Capacity) =>
    c === "marketDataLines"
      ? `all ${maxOf.marketDataLines} market data lines are in use; a line frees when a subscription or snapshot ends`
      : c === "scannerSubscriptions"
        ? `IB's ${maxOf.scannerSubscriptions} concurrent scanner subscriptions are all in use`
        : `IB's ${maxOf.historicalOpen} open historical requests are all in flight`;

  const remove = (w: Waiter) => {
    const i = queue.indexOf(w);
    if (i < 0) return false;
    queue.splice(i, 1);
    w.cleanup();
    return true;
  };

  const fail = (w: Waiter, err: IbMcpError) => {
    if (!remove(w)) return;
    rejected[w.req.kind]++;
    w.reject(err);
  };

  const record = (b: Budget, at: number) => {
    const log = sends.get(b.key) ?? { spanMs: b.spanMs, times: [] };
    sends.set(b.key, log);
    insertSorted(log.times, at, b.weight);
  };

  const grant = (w: Waiter, at: number) => {
    remove(w);
    granted[w.req.kind]++;
    const cap = w.capacity;
    if (cap) held[cap]++;
    const pending = { budgets: w.budgets, grantedAt: at };
    if (w.budgets.length > 0) unsent.add(pending);
    let done = false;
    w.resolve(() => {
      if (done) return;
      done = true;
      if (cap) held[cap]--;
      if (unsent.delete(pending)) {
        const sentBy = Math.min(now(), at + maxUnsentMs);
        for (const b of pending.budgets) record(b, sentBy);
      }
      if (cap || pending.budgets.length > 0) replan();
    });
  };

  function replan(): void {
    cancelWake?.();
    cancelWake = undefined;
    const t0 = now();
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
      nextSweepAt = t0 + 60_000 * Math.min(1, scale);
    }
    const lists = new Map<string, number[]>();
    const listOf = (b: Budget) => {
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
    const free: Record<Capacity, number> = {
      marketDataLines: maxOf.marketDataLines - held.marketDataLines,
      historicalOpen: maxOf.historicalOpen - held.historicalOpen,
      scannerSubscriptions: maxOf.scannerSubscriptions - held.scannerSubscriptions,
    };
    let wakeAt = Number.POSITIVE_INFINITY;

    for (const w of [...queue]) {
      if (w.capacity) {
        if (free[w.capacity] <= 0) continue;
        free[w.capacity]--;
      }
      // Fixpoint over the waiter's windows: moving later for one rule may break another.
      let at = t0;
      let binding: Budget | undefined;
      for (let changed = true; changed; ) {
        changed = false;
        for (const b of w.budgets) {
          const fit = earliestFit(listOf(b), at, b.weight, b.limit, b.spanMs);
          if (fit > at) {
            at = fit;
            binding = b;
            changed = true;
          }
        }
      }
      if (at > w.deadlineAt) {
        if (w.capacity) free[w.capacity]++;
        const retryAfterMs = Math.ceil(at - t0);
        fail(
          w,
          at <= t0
            ? new IbMcpError(
                "TIMEOUT",
                "the request's deadline passed while it waited in the IB pacing queue",
              )
            : new IbMcpError(
                "RATE_LIMITED",
                `IB pacing (${binding?.rule ?? "queue"}): the next slot is in ${retryAfterMs} ms, after this request's deadline`,
                { retryAfterMs },
              ),
        );
        continue;
      }
      for (const b of w.budgets) insertSorted(listOf(b), at, b.weight);
      if (at <= t0) grant(w, at);
      else wakeAt = Math.min(wakeAt, at);
    }
    if (wakeAt < Number.POSITIVE_INFINITY) cancelWake = setTimer(replan, Math.max(1, Math.ceil(wakeAt - t0)));
  }

  return {
    acquire(req, deadlineAt, signal) {
      if (signal?.aborted) return Promise.reject(abortError(signal));
      return new Promise<Release>((resolve, reject) => {
        const w: Waiter = {
          req,
          budgets: budgetsOf(req),
          capacity: capacityOf(req),
          deadlineAt,
          resolve,
          reject,
          cleanup: () => undefined,
        };
        const cancelDeadline = setTimer(
          () => {
            // A window wait past the deadline is refused at planning time, so what is still queued after
            // this replan waits for a capacity that nobody released; when one frees cannot be known.
            replan();
            fail(
              w,
              new IbMcpError(
                "RATE_LIMITED",
                `IB pacing: ${w.capacity ? capacityMessage(w.capacity) : "no slot before the deadline"}`,
                { retryAfterMs: 1_000 },
              ),
            );
            replan();
          },
          Math.max(0, deadlineAt - now()),
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
      });
    },
    stats(): PacerStats {
      const waitingByKind = perKind();
      for (const w of queue) waitingByKind[w.req.kind]++;
      return {
        queued: queue.length,
        waitingByKind,
        granted: { ...granted },
        rejected: { ...rejected },
        marketDataLinesInUse: held.marketDataLines,
        historicalOpen: held.historicalOpen,
      };
    },
  };
}
