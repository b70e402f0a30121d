/**
 * A call that finds no connector (no responders, or this gateway between two NATS servers) while one is
 * reconnecting, or while a standby takes over, waits a bounded time and is sent again instead of failing at
 * once. Sending again is safe for every tool: a request nobody received (no responders, not connected) took no
 * effect anywhere. The bound is `waitMs` from the call's start and never reaches into the last `reserveMs` of
 * its deadline, so a connector that is really gone is still reported within `waitMs`, and in time.
 */
export interface ConnectorWaitOptions {
  /** Longest wait for a connector (CONNECTOR_WAIT_MS); 0 fails at once, as before. */
  waitMs: number;
  /** When the call must have ended (epoch ms). */
  deadlineAt: number;
  /** True for a failure that proves nobody received the request. */
  undelivered(err: unknown): boolean;
}

const FIRST_PAUSE_MS = 50;
const MAX_PAUSE_MS = 250;

/** Time left for the last send: a quarter of the call's timeout, at most 1 s. */
export function reserveMs(timeoutMs: number): number {
  return Math.min(1_000, Math.floor(timeoutMs / 4));
}

/** Runs `send` until it succeeds, fails otherwise than undelivered, or the wait is spent (the last error is thrown). */
export async function withConnectorWait<T>(
  send: () => Promise<T>,
  opts: ConnectorWaitOptions,
  timeoutMs: number,
): Promise<T> {
  const waitUntil = Math.min(Date.now() + opts.waitMs, opts.deadlineAt - reserveMs(timeoutMs));
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    try {
      return await send();
    } catch (err) {
      const left = waitUntil - Date.now();
      if (!opts.undelivered(err) || left <= 0) throw err;
      await new Promise((r) => setTimeout(r, Math.min(pause, left)));
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    }
  }
}
