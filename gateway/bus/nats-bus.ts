import {
  ClosedConnectionError,
  ConnectionError,
  DrainingConnectionError,
  type Msg,
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
import { decodeReply } from "../../shared/wire.ts";
import { armCancel } from "./cancel.ts";
import { deniedError, isPermissionDenied } from "./denied.ts";
import { createLiveness, type LivenessOptions } from "./liveness.ts";
import { createTurnBatcher } from "./turn-batcher.ts";

export interface NatsBusOptions {
  /** A connector reply younger than this makes ping() true without asking again. */
  recentMs?: number;
  /** When a slow call's connector is probed, and how often (gateway/bus/liveness.ts). */
  liveness?: LivenessOptions;
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

  const notConnected = (mode: TradingMode) =>
    new IbMcpError(
      "CONNECTOR_UNAVAILABLE",
      `the gateway is not connected to NATS, so no ${mode} connector can be reached`,
    );

  async function request(mode: TradingMode, tool: string, args: unknown, ctx: CallContext) {
    if (!connected || nc.isClosed() || nc.isDraining()) throw notConnected(mode);
    const h = natsHeaders();
    h.set(Headers.requestId, ctx.requestId);
    h.set(Headers.timeoutMs, String(connectorBudgetMs(ctx.timeoutMs)));
    if (ctx.traceparent) h.set(Headers.traceparent, ctx.traceparent);
    const subject = subjectFor(mode, tool);
    const disarm = armCancel(nc, mode, h, ctx);
    try {
      const payload = encoder.encode(JSON.stringify(args ?? {}));
      const msg = await batcher.track(
        () =>
          new Promise<Msg>((resolve, reject) =>
            batcher.send(() => {
              const watched = liveness.watch(mode, tool, ctx.requestId, reject);
              try {
                nc.request(subject, payload, { timeout: ctx.timeoutMs, headers: h })
                  .finally(() => liveness.settled(watched))
                  .then(resolve, reject);
              } catch (err) {
                liveness.settled(watched);
                reject(err); // e.g. the connection closed while this request waited for the turn's end
              }
            }),
          ),
      );
      lastReplyAt.set(mode, Date.now());
      return msg;
    } catch (err) {
      if (err instanceof IbMcpError) throw err; // the serving connector went away (liveness)
      if (isNoResponders(err)) {
        lastReplyAt.delete(mode);
        throw new IbMcpError(
          "CONNECTOR_UNAVAILABLE",
          `no ${mode} connector is listening (no responders on ${subject})`,
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
      const msg = await request(mode, tool, args, ctx);
      return decodeReply(msg.data, msg.headers?.get("Nats-Service-Error") || undefined);
    },

    async ping(mode, timeoutMs) {
      if (!connected || nc.isClosed()) return false;
      const last = lastReplyAt.get(mode);
      if (last !== undefined && Date.now() - last < recentMs) return true;
      try {
        // Any reply, an error reply included, proves a connector for the mode is serving.
        await request(mode, "get_connection_status", {}, { requestId: `ready-${Date.now()}`, timeoutMs });
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
