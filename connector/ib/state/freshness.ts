import type { IbMcpError } from "../../../shared/errors.ts";
import type { SessionStateArea } from "../../../shared/tools/get-connection-status.ts";
import type { RequestScope } from "../request.ts";

export type Freshness = SessionStateArea["status"];

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Whether one area of the session state may be read, and the readers waiting until it may. An area is
 * "syncing" from the moment its subscription is (re)started until IB's end marker, "fresh" after it, and
 * "stale" once the session is gone or the sync failed: waiting readers are failed at once then, with the
 * reason, instead of being left to their deadlines.
 */
export class AreaFreshness {
  #status: Freshness = "stale";
  #updatedAt: number | undefined;
  #waiters = new Set<Waiter>();

  get status(): Freshness {
    return this.#status;
  }

  get fresh(): boolean {
    return this.#status === "fresh";
  }

  /** Epoch ms of the last message from IB that changed the area. */
  get updatedAt(): number | undefined {
    return this.#updatedAt;
  }

  touch(): void {
    this.#updatedAt = Date.now();
  }

  syncing(): void {
    this.#status = "syncing";
  }

  markFresh(): void {
    this.#status = "fresh";
    this.touch();
    const all = [...this.#waiters];
    this.#waiters.clear();
    for (const w of all) w.resolve();
  }

  /** Stale, failing every waiting reader with `reason`. */
  markStale(reason: IbMcpError): void {
    this.#status = "stale";
    const all = [...this.#waiters];
    this.#waiters.clear();
    for (const w of all) w.reject(reason);
  }

  /** Resolves once fresh; rejects when the area goes stale or at the caller's deadline, whichever is first. */
  whenFresh(scope: RequestScope): Promise<void> {
    if (this.#status === "fresh") return Promise.resolve();
    const signal = scope.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
        reject: (err) => {
          signal.removeEventListener("abort", onAbort);
          reject(err);
        },
      };
      const onAbort = () => {
        this.#waiters.delete(waiter);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }
}
