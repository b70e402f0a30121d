import { EventName, type IBApi, IBApiNextError, isNonFatalError } from "@stoqey/ib";
import { type Observable, take } from "rxjs";
import { abortable } from "../../shared/deadline.ts";
import { IbMcpError } from "../../shared/errors.ts";
import type { ContractSummary } from "../../shared/schemas/fields.ts";
import { inSpan } from "../../shared/tracing.ts";
import type { PacedRequest, Pacer, Release } from "../pacing/index.ts";
import { ibRequestSpan } from "../trace-span.ts";
import { ibErrorToIbMcp } from "./ib-errors.ts";
import type { IbLink } from "./link.ts";
import type { IbSession } from "./session.ts";

/** The caller's deadline, carried by every request. */
export interface RequestScope {
  signal: AbortSignal;
  deadlineAt: number;
  /** Who asked (shared/principals.ts): the pacer queues and shares IB per principal. Absent: anonymous. */
  principal?: string;
}

/** Requests IB sets no pacing rule of their own for; the pacer never holds them. */
export const general: PacedRequest = { kind: "general" };

/** An instrument as error messages name it. */
export function describe(c: ContractSummary): string {
  return `${c.symbol || c.conId} (conId ${c.conId})`;
}

/** Any failure of an IB call as an IbMcpError; `subject` names the instrument in the message. */
export function toRequestError(err: unknown, subject: string): IbMcpError {
  if (err instanceof IbMcpError) return err;
  if (err instanceof IBApiNextError) return ibErrorToIbMcp(err.code, err.error.message, subject);
  return new IbMcpError("INTERNAL", `IB request for ${subject} failed unexpectedly`, { cause: err });
}

/** The paced call every request area goes through; `work` gets the link of the session current once paced. */
export type Call = <T>(
  subject: string,
  paced: PacedRequest,
  scope: RequestScope,
  work: (link: IbLink) => Promise<T>,
  reserveMs?: number,
) => Promise<T>;

/** The `call` behind every request area: paced, bounded by the caller's deadline, and failed on disconnect. */
export function createCall(currentSession: () => IbSession, pacer: Pacer): Call {
  return async function call<T>(
    subject: string,
    paced: PacedRequest,
    scope: RequestScope,
    work: (link: IbLink) => Promise<T>,
    /** Time the work itself needs: waiting in the pacer stops this long before the deadline. */
    reserveMs = 0,
  ): Promise<T> {
    return inSpan(ibRequestSpan(subject), () => runPaced(subject, paced, scope, work, reserveMs));
  };

  /**
   * The pacer plans with the deadline it is given; a shared run's deadline moves later when a caller with more
   * time joins (coalesce.ts), so a refusal made under the old deadline asks again with the new one.
   */
  async function acquire(paced: PacedRequest, scope: RequestScope, reserveMs: number): Promise<Release> {
    for (;;) {
      const until = scope.deadlineAt - reserveMs;
      try {
        return await pacer.acquire(paced, until, scope.signal, scope.principal);
      } catch (err) {
        if (scope.signal.aborted || scope.deadlineAt - reserveMs <= until) throw err;
      }
    }
  }

  async function runPaced<T>(
    subject: string,
    paced: PacedRequest,
    scope: RequestScope,
    work: (link: IbLink) => Promise<T>,
    reserveMs: number,
  ): Promise<T> {
    currentSession().link(); // fail fast while IB is down, before queueing in the pacer
    const release = await acquire(paced, scope, reserveMs);
    try {
      // the session may have dropped or been replaced while the pacer held us
      const session = currentSession();
      const link = session.link();
      const running = work(link).catch((err: unknown) => {
        throw toRequestError(err, subject);
      });
      return await session.inFlight.run(abortable(running, scope.signal));
    } finally {
      release();
    }
  }
}

export type Handler = NonNullable<Parameters<IBApi["removeListener"]>[1]>;

/** What one wait on the raw API listens to, sends, and (on abort) cancels. */
export interface EventWait {
  events: Array<[EventName, Handler]>;
  send(): void;
  cancel?(): void;
}

/** Which IB errors end a wait (those naming one of `ids`), and as what. */
export interface ErrorMatch {
  ids: readonly number[];
  toError(code: number, text: string): IbMcpError;
}

/**
 * The one event waiter on the raw IBApi: listens until `settle` or `fail` is called, an IB error names one of
 * the ids, or the scope aborts (then `cancel` runs); every listener is removed however it ends. The wait's own
 * listeners are added before the error listener, so they see an IB notice first.
 */
export function awaitEvents<T>(
  link: IbLink,
  scope: RequestScope,
  match: ErrorMatch,
  setup: (settle: (value: T) => void, fail: (err: unknown) => void) => EventWait,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (scope.signal.aborted) return reject(scope.signal.reason);
    let finished = false;
    let spec: EventWait | undefined;
    const finish = (settle: () => void) => {
      if (finished) return;
      finished = true;
      for (const [event, handler] of spec?.events ?? []) link.raw.removeListener(event, handler);
      link.raw.off(EventName.error, onError);
      scope.signal.removeEventListener("abort", onAbort);
      settle();
    };
    const onError = (err: Error, code: number, id: number) => {
      if (!match.ids.includes(id) || isNonFatalError(code, err)) return;
      finish(() => reject(match.toError(code, err.message)));
    };
    const onAbort = () => {
      spec?.cancel?.();
      finish(() => reject(scope.signal.reason));
    };
    spec = setup(
      (value) => finish(() => resolve(value)),
      (err) => finish(() => reject(err)),
    );
    if (finished) return;
    for (const [event, handler] of spec.events) link.raw.addListener(event, handler);
    link.raw.on(EventName.error, onError);
    scope.signal.addEventListener("abort", onAbort, { once: true });
    try {
      spec.send();
    } catch (err) {
      // refused before anything left (the guard at the wire): nothing to cancel, only our listeners to drop
      finish(() => reject(err));
    }
  });
}

/**
 * One request IBApiNext does not offer (or cannot cancel), matched to its replies by reqId on the raw IBApi.
 * The reqId comes from IBApiNext's counter, so the two never collide. On abort IB's cancel is sent.
 */
export function byReqId<T>(
  link: IbLink,
  scope: RequestScope,
  subject: string,
  setup: (reqId: number, done: (value: T) => void) => EventWait,
): Promise<T> {
  const reqId = link.next.nextReqId;
  const match = {
    ids: [reqId],
    toError: (code: number, text: string) => ibErrorToIbMcp(code, text, subject),
  };
  return awaitEvents<T>(link, scope, match, (settle) => setup(reqId, settle));
}

/** The first value of an IBApiNext subscription; unsubscribing (IB's cancel) on abort or after it. */
export function firstValue<T>(source: Observable<T>, scope: RequestScope): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const sub = source.pipe(take(1)).subscribe({ next: resolve, error: reject });
    scope.signal.addEventListener("abort", () => sub.unsubscribe(), { once: true });
  });
}
