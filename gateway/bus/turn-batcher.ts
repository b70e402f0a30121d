/**
 * Gathers the NATS requests of one event-loop turn into one socket write. nats.js writes its buffer once per
 * microtask checkpoint, and Node drains microtasks after every HTTP socket's callback, so under load each
 * tools/call cost its own write syscall (a sixth of the gateway's CPU). While more than one tracked piece of
 * work is open, `send` waits for the check phase of this turn, where every waiting send runs back to back and
 * nats.js flushes them as one write. Alone, a send runs at once: a lone caller waits for nothing.
 * (The connector's replies are not gathered: measured, that made the whole path slower, not faster.)
 */
export interface TurnBatcher {
  /** Runs `work` counted as open; sends made while others are open are gathered. */
  track<T>(work: () => Promise<T>): Promise<T>;
  /** Runs `fn` now when nothing else is open, else at the end of this turn with the others. */
  send(fn: () => void): void;
  readonly open: number;
}

// setImmediate where the runtime has it (Node, Bun, Deno); a Worker has only timers.
const afterTurn: (fn: () => void) => void =
  typeof globalThis.setImmediate === "function" ? globalThis.setImmediate : (fn) => setTimeout(fn, 0);

export function createTurnBatcher(): TurnBatcher {
  let queued: Array<() => void> = [];
  let open = 0;
  const flush = () => {
    const batch = queued;
    queued = [];
    for (const fn of batch) fn();
  };
  return {
    async track(work) {
      open++;
      try {
        return await work();
      } finally {
        open--;
      }
    },
    send(fn) {
      if (open <= 1 && queued.length === 0) fn();
      else if (queued.push(fn) === 1) afterTurn(flush);
    },
    get open() {
      return open;
    },
  };
}
