import type { CallContext } from "../../shared/bus.ts";
import type { TradingMode } from "../../shared/mode.ts";
import { subjectFor } from "../../shared/subjects.ts";
import { contextFromTraceparent, type SpanSpec, tracingEnabled } from "../../shared/tracing.ts";

/** The gateway's span of one tool call over NATS: a child of the agent's traceparent when it sent one. */
export function natsRequestSpan(mode: TradingMode, tool: string, ctx: CallContext): SpanSpec {
  const subject = subjectFor(mode, tool);
  return {
    name: `${subject} request`,
    kind: "client",
    parent: tracingEnabled() ? contextFromTraceparent(ctx.traceparent) : undefined,
    attributes: {
      "messaging.system": "nats",
      "messaging.destination.name": subject,
      "ib_mcp.tool": tool,
      "ib_mcp.mode": mode,
      "ib_mcp.request_id": ctx.requestId,
    },
  };
}
