import type { Logger } from "pino";
import { startDeadline, withinDeadline } from "../../shared/deadline.ts";

/** How long a clean shutdown may take (in-flight calls, NATS drain, trace export) before the process exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 15_000;

export interface StopOptions {
  logger: Logger;
  /** What to log when stopping starts. */
  message: string;
  deadlineMs?: number;
  /** Tests stand in for process.exit. */
  exit?: (code: number) => void;
}

/**
 * Every role's SIGINT/SIGTERM: on the first one, `stop` runs (once) and the process exits 0 when it finished, 1
 * when it failed or outlived the shutdown deadline. Returns what removes the handlers.
 */
export function stopOnSignals(stop: () => Promise<void>, opts: StopOptions): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const deadlineMs = opts.deadlineMs ?? SHUTDOWN_DEADLINE_MS;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    opts.logger.info({ signal }, opts.message);
    const deadline = startDeadline(deadlineMs, `the shutdown took longer than ${deadlineMs} ms`);
    withinDeadline(stop(), deadline).then(
      () => {
        deadline.dispose();
        exit(0);
      },
      (err: unknown) => {
        deadline.dispose();
        opts.logger.error({ err }, "stopping failed");
        exit(1);
      },
    );
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}
