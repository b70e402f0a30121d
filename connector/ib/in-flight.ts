import type { IbMcpError } from "../../shared/errors.ts";

/**
 * The requests currently waiting on IB. IB does not answer requests that were on a socket that closed, so on
 * disconnect every one of them is failed at once instead of being left to its deadline.
 */
export class InFlight {
  readonly #rejects = new Set<(err: IbMcpError) => void>();

  /** Waits for `work`, unless failAll() is called first. */
  run<T>(work: Promise<T>): Promise<T> {
    let reject!: (err: IbMcpError) => void;
    const failed = new Promise<never>((_, r) => {
      reject = r;
    });
    this.#rejects.add(reject);
    return Promise.race([work, failed]).finally(() => this.#rejects.delete(reject));
  }

  /** Fails every waiting request with `err`. */
  failAll(err: IbMcpError): number {
    const all = [...this.#rejects];
    this.#rejects.clear();
    for (const reject of all) reject(err);
    return all.length;
  }

  get size(): number {
    return this.#rejects.size;
  }
}
