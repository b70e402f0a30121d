import { IbMcpError } from "./errors.ts";

// The one deadline helper of every role: the connector's calls, the gateway's tool calls, a process's shutdown.
// Web-standard only (timers, AbortController): the gateway core runs on Workers too.

/**
 * An AbortSignal made only when something asks for it. On Node 20 every AbortSignal lives until a full GC (it
 * holds a weak native handle), which under load made the connector's scavenges long; a call answered from a
 * cache never needs one, so none is made for it.
 */
export class LazyAbort {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

export interface Deadline {
  /** Aborts with a TIMEOUT IbMcpError when time runs out; made on first use. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds after which nobody waits for the answer. */
  deadlineAt: number;
  /** Calls `fn` once when time runs out (at once if it already has); returns what unsubscribes it. */
  onExpire(fn: (reason: IbMcpError) => void): () => void;
  /** Clears the timer; call when the work ended first. */
  dispose(): void;
}

/**
 * A deadline `timeoutMs` from now, with a TIMEOUT IbMcpError as its reason (`message`, else "no answer within N
 * ms"); dispose() it when the work ends.
 */
export function startDeadline(timeoutMs: number, message?: string): Deadline {
  const lazy = new LazyAbort();
  let expired: IbMcpError | undefined;
  let listeners: Array<(reason: IbMcpError) => void> = [];
  const timer = setTimeout(() => {
    expired = new IbMcpError("TIMEOUT", message ?? `no answer within ${timeoutMs} ms`);
    lazy.abort(expired);
    const called = listeners;
    listeners = [];
    for (const fn of called) fn(expired);
  }, timeoutMs);
  return {
    get signal() {
      return lazy.signal;
    },
    deadlineAt: Date.now() + timeoutMs,
    onExpire(fn) {
      if (expired) {
        fn(expired);
        return () => undefined;
      }
      listeners.push(fn);
      return () => {
        listeners = listeners.filter((l) => l !== fn);
      };
    },
    dispose: () => clearTimeout(timer),
  };
}

/** Settles like `work`, or rejects with the deadline's TIMEOUT as soon as it expires (the work itself goes on). */
export function withinDeadline<T>(work: Promise<T>, deadline: Pick<Deadline, "onExpire">): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const off = deadline.onExpire(reject);
    work.then(
      (v) => {
        off();
        resolve(v);
      },
      (e: unknown) => {
        off();
        reject(e);
      },
    );
  });
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
