import type { SetTimer } from "./types.ts";

/** A manual clock for pacing tests: timers fire only inside `advance`, in time order. */
export function createFakeClock(start = 1_700_000_000_000) {
  let current = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

  const setTimer: SetTimer = (fn, ms) => {
    const id = ++seq;
    timers.set(id, { at: current + Math.max(0, ms), fn });
    return () => timers.delete(id);
  };

  return {
    now: () => current,
    setTimer,
    pendingTimers: () => timers.size,
    /** Moves time forward by `ms`, firing due timers one by one and letting promise callbacks run between. */
    async advance(ms: number): Promise<void> {
      const until = current + ms;
      await flush();
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined;
        for (const entry of timers)
          if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry;
        if (!next) break;
        timers.delete(next[0]);
        current = next[1].at;
        next[1].fn();
        await flush();
      }
      current = until;
      await flush();
    },
  };
}
