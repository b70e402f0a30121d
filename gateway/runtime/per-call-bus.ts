import type { NatsConnection } from "@nats-io/nats-core";
import type { Bus } from "../../shared/bus.ts";
import { IbMcpError } from "../../shared/errors.ts";
import { createNatsBus, type NatsBusOptions } from "../bus/nats-bus.ts";

/**
 * A Bus that opens a NATS connection for every call and closes it after: what a Worker without a Durable Object
 * must do, since workerd refuses I/O on a socket opened by another request. Slower (a connect per call); kept
 * as the fallback and as the bench's point of comparison.
 */
export function connectionPerCallBus(
  connect: () => Promise<NatsConnection>,
  options: NatsBusOptions = {},
): Bus {
  async function withBus<T>(requestId: string, fn: (bus: Bus) => Promise<T>): Promise<T> {
    let nc: NatsConnection;
    try {
      nc = await connect();
    } catch (cause) {
      throw new IbMcpError("CONNECTOR_UNAVAILABLE", "the gateway cannot reach NATS right now", {
        cause,
        requestId,
      });
    }
    try {
      return await fn(createNatsBus(nc, options));
    } finally {
      await nc.close().catch(() => undefined);
    }
  }
  return {
    call: (mode, tool, args, ctx) => withBus(ctx.requestId, (bus) => bus.call(mode, tool, args, ctx)),
    ping: (mode, timeoutMs) => withBus("ping", (bus) => bus.ping(mode, timeoutMs)).catch(() => false),
    async close() {},
  };
}
