import type { Bus, CallContext } from "../../shared/bus.ts";
import { IbMcpError, toIbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import { decodeReply, encodeError, encodeResult } from "../../shared/wire.ts";

/** The RPC methods of the Durable Object that holds the NATS connection (workers.ts, NatsBusObject). */
export interface BusObjectRpc {
  /** The connector's answer in its own wire format: the result as JSON, or `{"error":{...}}`. */
  call(request: BusCall): Promise<Uint8Array>;
  ping(mode: TradingMode, timeoutMs: number): Promise<boolean>;
}

/** The parts of Cloudflare's Durable Object namespace this file uses. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: never): BusObjectRpc;
}

export interface BusCall {
  mode: TradingMode;
  tool: string;
  args: unknown;
  ctx: CallContext;
}

/**
 * The Worker's side of the bus: each call is an RPC to the one Durable Object that holds the NATS connection,
 * answered in the connector's wire format and read by decodeReply, as a NATS reply would be.
 */
export function durableObjectBus(ns: DurableObjectNamespaceLike, name = "nats"): Bus {
  const id = ns.idFromName(name) as never;
  return {
    async call(mode, tool, args, ctx) {
      let bytes: Uint8Array;
      try {
        // A stub is taken per call: one made during another request could not be used by this one.
        bytes = await ns.get(id).call({ mode, tool, args, ctx });
      } catch (cause) {
        throw new IbMcpError(
          "CONNECTOR_UNAVAILABLE",
          "the Durable Object holding the NATS connection did not answer",
          { cause, requestId: ctx.requestId },
        );
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

/** The Durable Object's side of one call: the answer of its long-lived Bus, errors included, as wire bytes. */
export async function answerBusCall(bus: Bus, { mode, tool, args, ctx }: BusCall): Promise<Uint8Array> {
  try {
    return encodeResult(await bus.call(mode, tool, args, ctx));
  } catch (err) {
    return encodeError(toIbMcpError(err, `the bus call for ${tool} failed`).toInfo());
  }
}
