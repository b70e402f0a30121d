import type { Bus, CallContext } from "../../shared/bus.ts";
import { IbMcpError, toIbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import { decodeReply, encodeError, encodeResult } from "../../shared/wire.ts";

/** The RPC methods of the Durable Object that holds the NATS connection (workers.ts, NatsBusObject). */
export interface BusObjectRpc {
  /** The connector's answer in its own wire format: the result as JSON, or `{"error":{...}}`. */
  call(request: BusCall): Promise<Uint8Array>;
  /** The caller of the call with this cancel id gave up (its client hung up). */
  cancel(cancelId: string): Promise<void>;
  ping(mode: TradingMode, timeoutMs: number): Promise<boolean>;
}

/** The parts of Cloudflare's Durable Object namespace this file uses. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: never): BusObjectRpc;
}

/**
 * One call as it crosses to the Durable Object: plain data only. A function in it (ctx.onCancel) would cross as an
 * RPC stub, and subscribing and unsubscribing through it would cost two more RPCs per call; cancellation travels as
 * `cancelId` and a `cancel` RPC instead, sent only when a caller gives up.
 */
export interface BusCall {
  mode: TradingMode;
  tool: string;
  args: unknown;
  ctx: Omit<CallContext, "onCancel">;
  cancelId?: string;
}

/**
 * The Worker's side of the bus: each call is an RPC to the one Durable Object that holds the NATS connection,
 * answered in the connector's wire format and read by decodeReply, as a NATS reply would be.
 */
export function durableObjectBus(ns: DurableObjectNamespaceLike, name = "nats"): Bus {
  const id = ns.idFromName(name) as never;
  return {
    async call(mode, tool, args, { onCancel, ...ctx }) {
      const cancelId = onCancel ? crypto.randomUUID() : undefined;
      const off = cancelId
        ? onCancel?.(
            () =>
              void ns
                .get(id)
                .cancel(cancelId)
                .catch(() => undefined),
          )
        : undefined;
      let bytes: Uint8Array;
      try {
        // A stub is taken per call: one made during another request could not be used by this one.
        bytes = await ns.get(id).call({ mode, tool, args, ctx, ...(cancelId ? { cancelId } : {}) });
      } catch (cause) {
        throw new IbMcpError(
          "CONNECTOR_UNAVAILABLE",
          "the Durable Object holding the NATS connection did not answer",
          { cause, requestId: ctx.requestId },
        );
      } finally {
        off?.();
      }
      return decodeReply(bytes, undefined);
    },
    async ping(mode, timeoutMs) {
      try {
        return await ns.get(id).ping(mode, timeoutMs);
      } catch {
        return false;
      }
    },
    async close() {},
  };
}

type Listener = (reason: unknown) => void;

/**
 * The Durable Object's side of cancellation: the calls running in it that a caller may cancel, by cancel id. An id
 * is known only while its call listens, so nothing stays behind; a cancel for an id nobody listens to (the call
 * ended, or the cancel overtook it) does nothing, and the connector's deadline ends that call.
 */
export function createCancelHooks() {
  const byId = new Map<string, Set<Listener>>();
  return {
    hook(cancelId: string): NonNullable<CallContext["onCancel"]> {
      return (fn) => {
        const listeners = byId.get(cancelId) ?? new Set<Listener>();
        byId.set(cancelId, listeners.add(fn));
        return () => {
          listeners.delete(fn);
          if (listeners.size === 0 && byId.get(cancelId) === listeners) byId.delete(cancelId);
        };
      };
    },
    cancel(cancelId: string): void {
      const listeners = byId.get(cancelId);
      byId.delete(cancelId);
      for (const fn of listeners ?? []) fn(new Error("the caller gave up"));
    },
    get size(): number {
      return byId.size;
    },
  };
}
export type CancelHooks = ReturnType<typeof createCancelHooks>;

/** The Durable Object's side of one call: the answer of its long-lived Bus, errors included, as wire bytes. */
export async function answerBusCall(
  bus: Bus,
  { mode, tool, args, ctx, cancelId }: BusCall,
  cancels: CancelHooks,
): Promise<Uint8Array> {
  try {
    const full: CallContext = cancelId ? { ...ctx, onCancel: cancels.hook(cancelId) } : ctx;
    return encodeResult(await bus.call(mode, tool, args, full));
  } catch (err) {
    return encodeError(toIbMcpError(err, `the bus call for ${tool} failed`).toInfo());
  }
}
