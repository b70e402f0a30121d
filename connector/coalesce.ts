import { LazyAbort } from "../shared/deadline.ts";

/** What a shared run sees: one signal for all its waiters, aborted only when none of them waits any more. */
export interface SharedRun {
  /** Made on first use (see LazyAbort): a run answered from a cache never needs one. */
  readonly signal: AbortSignal;
  /** The latest deadline among the waiters still waiting: the run may take this long. */
  readonly deadlineAt: number;
  /** The first waiter's principal: the pacer queues the run under it. */
  readonly principal?: string;
}

/** A waiter of a shared run: its deadline, and how to hear that it stopped waiting. */
export interface Caller {
  deadlineAt: number;
  principal?: string;
  /** Calls `fn` once when the caller stops waiting (at once if it already has); returns what unsubscribes. */
  onExpire(fn: (reason: unknown) => void): () => void;
}

export interface Coalescer {
  /**
   * Joins the run of `key` or starts one, and settles with its outcome, or with this caller's own reason as soon
   * as it stops waiting. The run goes on while any caller waits; it is aborted (and IB's request cancelled) when
   * the last one leaves, with that caller's reason.
   */
  join<V>(key: string, caller: Caller, start: (run: SharedRun) => Promise<V>): Promise<V>;
  readonly size: number;
}

/** A request's scope (signal, deadline, principal) as a waiter of a shared run. */
export function callerOf(scope: { signal: AbortSignal; deadlineAt: number; principal?: string }): Caller {
  return {
    deadlineAt: scope.deadlineAt,
    principal: scope.principal,
    onExpire(fn) {
      const signal = scope.signal;
      if (signal.aborted) {
        fn(signal.reason);
        return () => undefined;
      }
      const listener = () => fn(signal.reason);
      signal.addEventListener("abort", listener, { once: true });
      return () => signal.removeEventListener("abort", listener);
    },
  };
}

interface Entry {
  promise: Promise<unknown>;
  abort: LazyAbort;
  /** The deadlines of the waiters still waiting, one slot each. */
  waiting: Set<{ deadlineAt: number }>;
  lastDeadlineAt: number;
}

function newRun(first: Caller): { entry: Entry; run: SharedRun } {
  const entry: Entry = {
    promise: Promise.resolve(),
    abort: new LazyAbort(),
    waiting: new Set(),
    lastDeadlineAt: first.deadlineAt,
  };
  const run: SharedRun = {
    get signal() {
      return entry.abort.signal;
    },
    get deadlineAt() {
      for (const w of entry.waiting) entry.lastDeadlineAt = Math.max(entry.lastDeadlineAt, w.deadlineAt);
      return entry.lastDeadlineAt;
    },
    principal: first.principal,
  };
  return { entry, run };
}

/**
 * Identical concurrent calls share one run (and so one IB request) without sharing the first caller's deadline:
 * the dispatcher's coalescing and every cache (request-cache.ts) go through this.
 */
export function createCoalescer(): Coalescer {
  const running = new Map<string, Entry>();

  function entryFor<V>(key: string, caller: Caller, start: (run: SharedRun) => Promise<V>): Entry {
    const existing = running.get(key);
    if (existing) return existing;
    const { entry, run } = newRun(caller);
    entry.promise = start(run).finally(() => {
      if (running.get(key) === entry) running.delete(key);
    });
    // a run nobody waits for any more must not surface as an unhandled rejection
    entry.promise.catch(() => undefined);
    running.set(key, entry);
    return entry;
  }

  return {
    join<V>(key: string, caller: Caller, start: (run: SharedRun) => Promise<V>): Promise<V> {
      const entry = entryFor(key, caller, start);
      const slot = { deadlineAt: caller.deadlineAt };
      entry.waiting.add(slot);
      return new Promise<V>((resolve, reject) => {
        let off: (() => void) | undefined;
        let left = false;
        const leave = () => {
          left = true;
          off?.();
          entry.waiting.delete(slot);
        };
        off = caller.onExpire((reason) => {
          if (left) return;
          leave();
          if (entry.waiting.size === 0 && running.get(key) === entry) {
            running.delete(key);
            entry.abort.abort(reason);
          }
          reject(reason);
        });
        if (left) off();
        entry.promise.then(
          (v) => {
            leave();
            resolve(v as V);
          },
          (e: unknown) => {
            leave();
            reject(e);
          },
        );
      });
    },
    get size() {
      return running.size;
    },
  };
}
