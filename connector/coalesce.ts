import { IbMcpError } from "../shared/errors.ts";

/** What a shared run sees: one signal for all its callers, aborted only when none of them waits any more. */
export interface SharedRun {
  signal: AbortSignal;
  /** The first caller's deadline; the pacer plans with it. */
  deadlineAt: number;
}

export interface Coalescer {
  /**
   * Joins the run of `key` or starts one. The run goes on while any caller waits: it is aborted (and IB's
   * request cancelled) when the last caller has left through its own `signal`, or at the latest deadline
   * of all callers. Each caller still leaves at its own deadline.
   */
  join<V>(
    key: string,
    caller: { signal: AbortSignal; deadlineAt: number },
    start: (run: SharedRun) => Promise<V>,
  ): Promise<V>;
  readonly size: number;
}

interface Entry {
  promise: Promise<unknown>;
  controller: AbortController;
  waiters: number;
  latest: number;
  timer: NodeJS.Timeout;
}

/** Identical concurrent calls share one run (and so one IB request) without sharing the first caller's deadline. */
export function createCoalescer(now: () => number = Date.now): Coalescer {
  const running = new Map<string, Entry>();

  const armTimer = (entry: Entry) => {
    clearTimeout(entry.timer);
    const ms = Math.max(0, entry.latest - now());
    entry.timer = setTimeout(
      () => entry.controller.abort(new IbMcpError("TIMEOUT", `no answer within ${ms} ms`)),
      ms,
    );
  };

  return {
    join<V>(
      key: string,
      caller: { signal: AbortSignal; deadlineAt: number },
      start: (run: SharedRun) => Promise<V>,
    ): Promise<V> {
      let entry = running.get(key);
      if (!entry) {
        const controller = new AbortController();
        const created: Entry = {
          controller,
          waiters: 0,
          latest: caller.deadlineAt,
          timer: setTimeout(() => undefined, 0),
          promise: Promise.resolve(),
        };
        armTimer(created);
        created.promise = start({ signal: controller.signal, deadlineAt: caller.deadlineAt }).finally(() => {
          clearTimeout(created.timer);
          if (running.get(key) === created) running.delete(key);
        });
        // a run nobody waits for any more must not surface as an unhandled rejection
        created.promise.catch(() => undefined);
        running.set(key, created);
        entry = created;
      } else if (caller.deadlineAt > entry.latest) {
        entry.latest = caller.deadlineAt;
        armTimer(entry);
      }
      const joined = entry;
      joined.waiters++;
      const leave = () => {
        caller.signal.removeEventListener("abort", leave);
        joined.waiters--;
        if (joined.waiters === 0 && running.get(key) === joined) {
          running.delete(key);
          joined.controller.abort(caller.signal.reason);
        }
      };
      caller.signal.addEventListener("abort", leave, { once: true });
      return (joined.promise as Promise<V>).finally(() => caller.signal.removeEventListener("abort", leave));
    },
    get size() {
      return running.size;
    },
  };
}
