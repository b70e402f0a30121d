import { type KV, KvWatchInclude } from "@nats-io/kv";
import type { Logger } from "pino";

export interface StandbyWait {
  /** Resolves on a delete of the key (seen by the watch), after `pollMs`, or when `signal` aborts. */
  next(pollMs: number, signal: AbortSignal): Promise<void>;
  stop(): void;
}

/**
 * What a standby waits on between attempts to take the key: a watch for its deletion (a release), and a poll,
 * since an expiry by max_age produces no watch event. Without a watch it polls only.
 */
export async function watchStandby(kv: KV, key: string, log?: Logger): Promise<StandbyWait> {
  let nudge: (() => void) | undefined;
  const watcher = await kv
    .watch({ key, include: KvWatchInclude.UpdatesOnly })
    .then((iter) => {
      void (async () => {
        for await (const e of iter) if (e.operation !== "PUT") nudge?.();
      })().catch(() => undefined);
      return iter;
    })
    .catch((err) => {
      log?.warn({ err }, "cannot watch the lease key; polling only");
      return undefined;
    });
  return {
    next: (pollMs, signal) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          nudge = undefined;
          resolve();
        };
        const timer = setTimeout(done, pollMs);
        signal.addEventListener("abort", done, { once: true });
        nudge = done;
      }),
    stop: () => watcher?.stop(),
  };
}
