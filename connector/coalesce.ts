import { LazyAbort } from "./deadline.ts";

/** What a shared run sees: one signal for all its callers, aborted only when none of them waits any more. */
export interface SharedRun {
  /** Made on first use (see LazyAbort): a run answered from a cache never needs one. */
  readonly signal: AbortSignal;
  /** The first caller's deadline; the pacer plans with it. */
  deadlineAt: number;
}

/** A caller of a shared run: its deadline, and how to hear that it has passed. */
export interface Caller {
  deadlineAt: number;
  onExpire(fn: (reason: unknown) => void): () => void;
}

export interface Coalescer {
  /**
   * Joins the run of `key` or starts one. The run goes on while any caller waits: it is aborted (and IB's
   * request cancelled) when the last caller's deadline has passed, with that caller's reason. Each caller still
   * leaves at its own deadline; that is the dispatcher's race, not the run's.
   */
  join<V>(key: string, caller: Caller, start: (run: SharedRun) => Promise<V>): Promise<V>;
  readonly size: number;
}

interface Entry {
  promise: Promise<unknown>;
  abort: LazyAbort;
  waiters: number;
}

/** Identical concurrent calls share one run (and so one IB request) without sharing the first caller's deadline. */
export function createCoalescer(): Coalescer {
  const running = new Map<string, Entry>();

  return {
    join<V>(key: string, caller: Caller, start: (run: SharedRun) => Promise<V>): Promise<V> {
      let entry = running.get(key);
      if (!entry) {
        const abort = new LazyAbort();
        const run: SharedRun = {
          get signal() {
            return abort.signal;
          },
          deadlineAt: caller.deadlineAt,
        };
        const created: Entry = { abort, waiters: 0, promise: Promise.resolve() };
        created.promise = start(run).finally(() => {
          if (running.get(key) === created) running.delete(key);
        });
        // a run nobody waits for any more must not surface as an unhandled rejection
        created.promise.catch(() => undefined);
        running.set(key, created);
        entry = created;
      }
      const joined = entry;
      joined.waiters++;
      const off = caller.onExpire((reason) => {
        joined.waiters--;
        if (joined.waiters === 0 && running.get(key) === joined) {
          running.delete(key);
          joined.abort.abort(reason);
        }
      });
      return (joined.promise as Promise<V>).finally(off);
    },
    get size() {
      return running.size;
    },
  };
}
