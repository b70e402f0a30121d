import { EventName, isNonFatalError } from "@stoqey/ib";
import type { IbMcpError } from "../../../../shared/errors.ts";
import type { RequestScope } from "../../client.ts";
import type { IbLink } from "../../link.ts";
import { orderRejection } from "./order-rejections.ts";

export type Listener = (...args: never[]) => void;

/** Listens on the raw API until `settle` is called, the deadline passes or an IB error names one of `ids`. */
export function awaitOrderEvents<T>(
  link: IbLink,
  scope: RequestScope,
  ids: readonly number[],
  subject: string,
  setup: (settle: (value: T) => void, fail: (err: IbMcpError) => void) => Array<[EventName, Listener]>,
  send: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const events: Array<[EventName, Listener]> = [];
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      for (const [e, l] of events) link.raw.removeListener(e, l as never);
      link.raw.removeListener(EventName.error, onError);
      scope.signal.removeEventListener("abort", onAbort);
      f();
    };
    const settle = (v: T) => finish(() => resolve(v));
    const fail = (err: IbMcpError) => finish(() => reject(err));
    const onError = (err: Error, code: number, id: number) => {
      if (!ids.includes(id) || isNonFatalError(code, err)) return;
      fail(orderRejection(code, err.message, subject));
    };
    const onAbort = () => fail(scope.signal.reason as IbMcpError);
    if (scope.signal.aborted) return reject(scope.signal.reason);
    events.push(...setup(settle, fail));
    for (const [e, l] of events) link.raw.addListener(e, l as never);
    link.raw.on(EventName.error, onError);
    scope.signal.addEventListener("abort", onAbort, { once: true });
    send();
  });
}
