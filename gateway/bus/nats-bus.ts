import {
  ClosedConnectionError,
  ConnectionError,
  DrainingConnectionError,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  NoRespondersError,
  headers as natsHeaders,
  RequestError,
  TimeoutError,
} from "@nats-io/nats-core";
import type { Bus, CallContext } from "../../shared/bus.ts";
import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import { Headers, subjectFor } from "../../shared/subjects.ts";
import { activeTraceparent, inSpan } from "../../shared/tracing.ts";
import { decodeReply } from "../../shared/wire.ts";
import { armCancel } from "./cancel.ts";
import { withConnectorWait } from "./connector-wait.ts";
import { deniedError, isPermissionDenied } from "./denied.ts";
import { createLiveness, type LivenessOptions } from "./liveness.ts";
import { isReadTool, resendUnanswered } from "./resend-reads.ts";
import { natsRequestSpan } from "./trace-span.ts";
import { createTurnBatcher } from "./turn-batcher.ts";

export interface NatsBusOptions {
  /** A connector reply younger than this makes ping() true without asking again. */
  recentMs?: number;
  /** When a slow call's connector is probed, and how often (gateway/bus/liveness.ts). */
  liveness?: LivenessOptions;
  /** How long a call that finds no connector, or no NATS server, waits for one (gateway/bus/connector-wait.ts). */
  connectorWaitMs?: number;
  /** A read unanswered this long is sent again (gateway/bus/resend-reads.ts); 0 never. */
  resendReadsAfterMs?: number;
}

/**
 * What the connector is told it may spend: a little less than the gateway waits, so the connector's own
 * TIMEOUT error (which says what ran out) arrives before the NATS request times out.
 */
export function connectorBudgetMs(timeoutMs: number): number {
  return Math.max(1, timeoutMs - Math.min(250, Math.max(20, Math.round(timeoutMs * 0.1))));
}

const encoder = new TextEncoder();

function isNoResponders(err: unknown): boolean {
  return (
    err instanceof NoRespondersError ||
    (err instanceof RequestError && (err.isNoResponders() || err.cause instanceof NoRespondersError))
  );
}

function isTimeout(err: unknown): boolean {
  return err instanceof TimeoutError || (err instanceof RequestError && err.cause instanceof TimeoutError);
}

function isConnectionGone(err: unknown): boolean {
  return (
    err instanceof ClosedConnectionError ||
    err instanceof DrainingConnectionError ||
    err instanceof ConnectionError
  );
}

/** The Bus over NATS request/reply on `ib.<mode>.<tool>`; every failure becomes an IbMcpError with a code. */
export function createNatsBus(nc: NatsConnection, opts: NatsBusOptions = {}): Bus {
  const recentMs = opts.recentMs ?? 5_000;
  const connectorWaitMs = opts.connectorWaitMs ?? 0;
  const resendReadsAfterMs = opts.resendReadsAfterMs ?? 0;
  const lastReplyAt = new Map<TradingMode, number>();
  let connected = !nc.isClosed();
  const batcher = createTurnBatcher();
  const liveness = createLiveness(nc, opts.liveness);

  // Requests made while the client reconnects would sit in its buffer until they time out; fail them at once.
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === "disconnect") connected = false;
      else if (s.type === "reconnect") connected = true;
    }
  })().catch(() => undefined);
  void nc.closed().then(() => {
    connected = false;
  });

  // errors of requests that were never sent, so sending them again is safe (connector-wait.ts)
  const unsent = new WeakSet<object>();
  const notConnected = (mode: TradingMode) => {
    const err = new IbMcpError(
      "CONNECTOR_UNAVAILABLE",
      `the gateway is not connected to NATS, so no ${mode} connector can be reached`,
    );
    unsent.add(err);
    return err;
  };

  const payloadOf = (args: unknown) => encoder.encode(JSON.stringify(args ?? {}));

  /** One send of a request, with what is left of the call's time. */
  function send(
    mode: TradingMode,
    tool: string,
    payload: Uint8Array,
    ctx: CallContext,
    timeoutMs: number,
    stamp: (h: MsgHdrs) => void,
  ) {
    if (!connected || nc.isClosed() || nc.isDraining()) return Promise.reject(notConnected(mode));
    const h = natsHeaders();
    stamp(h);
    h.set(Headers.requestId, ctx.requestId);
    h.set(Headers.timeoutMs, String(connectorBudgetMs(timeoutMs)));
    if (ctx.traceparent) h.set(Headers.traceparent, ctx.traceparent);
    if (ctx.principal) h.set(Headers.principal, ctx.principal);
    const subject = subjectFor(mode, tool);
    return batcher.track(
      () =>
        new Promise<Msg>((resolve, reject) =>
          batcher.send(() => {
            const watched = liveness.watch(mode, tool, ctx.requestId, reject);
            try {
              nc.request(subject, payload, { timeout: timeoutMs, headers: h })
                .finally(() => liveness.settled(watched))
                .then(resolve, reject);
            } catch (err) {
              liveness.settled(watched);
              reject(err); // e.g. the connection closed while this request waited for the turn's end
            }
          }),
        ),
    );
  }

  async function request(
    mode: TradingMode,
    tool: string,
    args: unknown,
    ctx: CallContext,
    waitMs = connectorWaitMs,
  ) {
    const subject = subjectFor(mode, tool);
    const deadlineAt = Date.now() + ctx.timeoutMs;
    const { stamp, disarm } = armCancel(nc, mode, ctx);
    try {
      const payload = payloadOf(args);
      const msg = await withConnectorWait(
        () => {
          const once = () => send(mode, tool, payload, ctx, Math.max(1, deadlineAt - Date.now()), stamp);
          if (!isReadTool(tool)) return once();
          return resendUnanswered(once, { afterMs: resendReadsAfterMs, deadlineAt });
        },
        { waitMs, deadlineAt, undelivered: (e) => isNoResponders(e) || unsent.has(e as object) },
        ctx.timeoutMs,
      );
      lastReplyAt.set(mode, Date.now());
      return msg;
    } catch (err) {
      if (err instanceof IbMcpError) throw err; // the serving connector went away (liveness)
      if (isNoResponders(err)) {
        lastReplyAt.delete(mode);
        throw new IbMcpError(
          "CONNECTOR_UNAVAILABLE",
          `no ${mode} connector is listening (no responders on ${subject}${waitMs > 0 ? `, waited up to ${waitMs} ms for one` : ""})`,
          { cause: err, requestId: ctx.requestId },
        );
      }
      if (isTimeout(err)) {
        throw new IbMcpError(
          "TIMEOUT",
          `the ${mode} connector did not answer ${tool} within ${ctx.timeoutMs} ms`,
          {
            cause: err,
            requestId: ctx.requestId,
          },
        );
      }
      if (isConnectionGone(err)) throw notConnected(mode);
      if (isPermissionDenied(err)) throw deniedError(mode, tool, subject, ctx.requestId);
      throw new IbMcpError("INTERNAL", `the NATS request for ${tool} failed`, {
        cause: err,
        requestId: ctx.requestId,
      });
    } finally {
      disarm();
    }
  }

  return {
    async call(mode, tool, args, ctx) {
      // a client span around the NATS request; its traceparent replaces the caller's in the header
      return inSpan(natsRequestSpan(mode, tool, ctx), async () => {
        const traceparent = activeTraceparent() ?? ctx.traceparent;
        const msg = await request(mode, tool, args, traceparent ? { ...ctx, traceparent } : ctx);
        return decodeReply(msg.data, msg.headers?.get("Nats-Service-Error") || undefined);
      });
    },

    async ping(mode, timeoutMs) {
      if (!connected || nc.isClosed()) return false;
      const last = lastReplyAt.get(mode);
      if (last !== undefined && Date.now() - last < recentMs) return true;
      try {
        // Any reply, an error reply included, proves a connector for the mode is serving.
        const ctx = { requestId: `ready-${Date.now()}`, timeoutMs };
        await request(mode, "get_connection_status", {}, ctx, 0); // readiness reports now, it does not wait
        return true;
      } catch {
        return false;
      }
    },

    // The connection belongs to whoever opened it; the bus holds nothing else.
    async close() {
      liveness.close();
    },
  };
}
