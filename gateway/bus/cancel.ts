import type { MsgHdrs, NatsConnection } from "@nats-io/nats-core";
import type { CallContext } from "../../shared/bus.ts";
import type { TradingMode } from "../../shared/mode.ts";
import { CANCEL_ENDPOINT, Headers, subjectFor } from "../../shared/subjects.ts";

const encoder = new TextEncoder();

/**
 * Makes a bus request cancellable: gives it an X-Cancel-Id and, when the caller cancels (ctx.onCancel), publishes
 * that id on `ib.<mode>._cancel` so the connector aborts the call. The id is random, not the request id: a client
 * chooses its X-Request-Id, and must not be able to cancel another client's call with it. `stamp` puts the id on
 * every send of the call (a read may be sent again); `disarm` ends it once the reply is in. A call without onCancel
 * gets nothing (no header, no listener).
 */
export function armCancel(
  nc: NatsConnection,
  mode: TradingMode,
  ctx: CallContext,
): { stamp: (h: MsgHdrs) => void; disarm: () => void } {
  if (!ctx.onCancel) return { stamp: () => undefined, disarm: () => undefined };
  const id = crypto.randomUUID(); // Web Crypto: the same on every runtime the gateway serves on
  const disarm = ctx.onCancel(() => {
    try {
      nc.publish(subjectFor(mode, CANCEL_ENDPOINT), encoder.encode(id));
    } catch {
      // the connection is closing: the connector's deadline frees the call instead
    }
  });
  return { stamp: (h) => h.set(Headers.cancelId, id), disarm };
}
