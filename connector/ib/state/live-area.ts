import { EventName, isNonFatalError } from "@stoqey/ib";
import { IbMcpError } from "../../../shared/errors.ts";
import { IB_RETRY_AFTER_MS } from "../ib-errors.ts";
import type { IbLink } from "../link.ts";
import { type Call, general, type Handler, type RequestScope } from "../request.ts";
import { AreaFreshness } from "./freshness.ts";

/** One IB subscription of an area on one link: its raw events, how to start it and how to cancel it. */
export interface Subscription {
  events: Array<[EventName, Handler]>;
  /** The reqIds it uses, so an IB error naming one fails the sync. */
  reqIds?: number[];
  send(): void;
  cancel(): void;
}

/** What one area of the session state keeps and how it subscribes. */
export interface AreaSpec {
  readonly name: string;
  /** Whether the area is kept for a session managing these accounts (else reads take the request path). */
  applies(accounts: string[]): boolean;
  /** Forgets everything: called before each sync, as IB's initial download sends it all again. */
  reset(): void;
  /** What the area holds, for get_connection_status. */
  counts(): Record<string, number>;
  /** The subscription on this link; `ended()` once IB's initial download is complete, `changed()` on every update. */
  open(link: IbLink, accounts: string[], ended: () => void, changed: () => void): Subscription;
}

/** An area's subscription lifecycle over the session's links: sync, live updates, stop, stale. */
export class LiveArea {
  readonly freshness = new AreaFreshness();
  #stop: (() => void) | undefined;
  #kept = true;
  /** Bumped by every sync and stop: a sync overtaken by a newer one (or a stop) must not mark the area. */
  #generation = 0;

  /** `onChange` hears every live update once the area is fresh (not the initial download). */
  constructor(
    readonly spec: AreaSpec,
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** Whether the area is kept for the current session's accounts. */
  get kept(): boolean {
    return this.#kept;
  }

  /** Cancels the live subscription (if any) and marks the area stale with `reason`. */
  stop(reason: IbMcpError): void {
    this.#generation++;
    this.#stop?.();
    this.#stop = undefined;
    this.freshness.markStale(reason);
  }

  /**
   * (Re)starts the subscription through the paced call: the maps are rebuilt from IB's initial download and the
   * area is fresh at its end marker. Fails (stale) when the session drops or the end marker misses `scope`.
   */
  async sync(call: Call, accounts: string[], scope: RequestScope): Promise<void> {
    this.#kept = this.spec.applies(accounts);
    if (!this.#kept) return;
    const generation = ++this.#generation;
    this.freshness.syncing();
    try {
      await call(`subscription to ${this.spec.name}`, general, scope, (link) =>
        this.#subscribe(link, accounts, generation),
      );
      if (generation === this.#generation) this.freshness.markFresh();
    } catch (err) {
      if (generation !== this.#generation) return;
      this.stop(
        err instanceof IbMcpError
          ? err
          : new IbMcpError("IB_UNAVAILABLE", `IB did not send ${this.spec.name} in time; try again`, {
              retryAfterMs: IB_RETRY_AFTER_MS,
              cause: err,
            }),
      );
      throw err;
    }
  }

  #subscribe(link: IbLink, accounts: string[], generation: number): Promise<void> {
    if (generation !== this.#generation) return Promise.resolve(); // overtaken while paced: the newer sync owns it
    this.#stop?.();
    this.spec.reset();
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const sub = this.spec.open(
        link,
        accounts,
        () => {
          if (done) return;
          done = true;
          resolve();
        },
        () => {
          this.freshness.touch();
          if (done) this.onChange();
        },
      );
      const onError = (err: Error, code: number, reqId: number) => {
        if (done || !sub.reqIds?.includes(reqId) || isNonFatalError(code, err)) return;
        done = true;
        reject(
          new IbMcpError("IB_UNAVAILABLE", `IB refused the ${this.spec.name} subscription: ${err.message}`),
        );
      };
      const detach = () => {
        for (const [event, handler] of sub.events) link.raw.removeListener(event, handler);
        link.raw.removeListener(EventName.error, onError);
      };
      this.#stop = () => {
        detach();
        try {
          sub.cancel();
        } catch {
          // the link is already gone: nothing to cancel on it
        }
        if (done) return;
        done = true;
        reject(new IbMcpError("IB_UNAVAILABLE", `the ${this.spec.name} subscription was replaced`));
      };
      for (const [event, handler] of sub.events) link.raw.addListener(event, handler);
      link.raw.addListener(EventName.error, onError);
      try {
        sub.send();
      } catch (err) {
        detach();
        this.#stop = undefined;
        done = true;
        reject(err);
      }
    });
  }
}
