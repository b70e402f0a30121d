import type { Bus, CallContext } from "../../shared/bus.ts";
import { IbMcpError, toIbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import { decodeReply, encodeError, encodeResult } from "../../shared/wire.ts";

/** The parts of Cloudflare's Durable Object namespace this file uses. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: never): { fetch(input: string, init?: RequestInit): Promise<Response> };
}

export interface BusCall {
  mode: TradingMode;
  tool: string;
  args: unknown;
  ctx: CallContext;
}

const origin = "https://nats-bus.internal";

/**
 * The Worker's side of the bus: each call is a fetch to the one Durable Object that holds the NATS connection.
 * The object answers with the connector's own wire format (a result, or `{"error":{...}}`), read by decodeReply.
 */
export function durableObjectBus(ns: DurableObjectNamespaceLike, name = "nats"): Bus {
  const id = ns.idFromName(name) as never;
  // A stub is created per call: one made during another request could not be used by this one.
  const post = (path: string, body: unknown) =>
    ns.get(id).fetch(`${origin}${path}`, { method: "POST", body: JSON.stringify(body) });
  return {
    async call(mode, tool, args, ctx) {
      let bytes: Uint8Array;
      try {
        const res = await post("/call", { mode, tool, args, ctx } satisfies BusCall);
        bytes = new Uint8Array(await res.arrayBuffer());
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
        const res = await post("/ping", { mode, timeoutMs });
        return (await res.json()) === true;
      } catch {
        return false;
      }
    },
    async close() {},
  };
}

/** The Durable Object's side: one request from the Worker, answered through the object's long-lived Bus. */
export async function serveBusRequest(req: Request, bus: Bus): Promise<Response> {
  const path = new URL(req.url).pathname;
  if (path === "/ping") {
    const { mode, timeoutMs } = (await req.json()) as { mode: TradingMode; timeoutMs: number };
    return Response.json(await bus.ping(mode, timeoutMs));
  }
  if (path !== "/call") return new Response("not found", { status: 404 });
  const { mode, tool, args, ctx } = (await req.json()) as BusCall;
  try {
    return new Response(encodeResult(await bus.call(mode, tool, args, ctx)));
  } catch (err) {
    return new Response(encodeError(toIbMcpError(err, `the bus call for ${tool} failed`).toInfo()));
  }
}
