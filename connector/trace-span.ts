import type { CallContext } from "../shared/bus.ts";
import { contextFromTraceparent, type SpanSpec, tracingEnabled } from "../shared/tracing.ts";

/** The connector's span of serving one request: a child of the gateway's span named in the traceparent header. */
export function serveSpan(subject: string, tool: string, ctx: CallContext): SpanSpec {
  return {
    name: `${subject} process`,
    kind: "server",
    parent: tracingEnabled() ? contextFromTraceparent(ctx.traceparent) : undefined,
    attributes: {
      "messaging.system": "nats",
      "messaging.destination.name": subject,
      "ib_mcp.tool": tool,
      "ib_mcp.request_id": ctx.requestId,
    },
  };
}

/** The span of one request to IB (a child of the serving span, through the active context). */
export function ibRequestSpan(subject: string): SpanSpec {
  return {
    name: `ib ${subject}`,
    kind: "client",
    attributes: { "rpc.system": "ib-api", "rpc.method": subject },
  };
}
