import { IbMcpError } from "../shared/errors.ts";

export interface Deadline {
  signal: AbortSignal;
  /** Epoch milliseconds after which nobody waits for the answer. */
  deadlineAt: number;
  /** Clears the timer; call when the work ended first. */
  dispose(): void;
}

/** An AbortSignal that aborts with a TIMEOUT IbMcpError after timeoutMs; dispose() it when the work ends. */
export function startDeadline(timeoutMs: number, now: () => number = Date.now): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new IbMcpError("TIMEOUT", `no answer within ${timeoutMs} ms`)),
    timeoutMs,
  );
  return { signal: controller.signal, deadlineAt: now() + timeoutMs, dispose: () => clearTimeout(timer) };
}

/** Settles like `work`, or rejects with the signal's reason as soon as it aborts (the work itself goes on). */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
