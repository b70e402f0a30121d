import {
  type Context,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";

/**
 * OpenTelemetry spans of a tool call: gateway (the NATS request) → connector (serving it) → IB request.
 * Off unless a tracer provider was installed (cli/tracing.ts, when OTEL_EXPORTER_OTLP_ENDPOINT is set): then
 * every helper here calls straight through, so tracing costs nothing when it is off. No I/O here.
 */
let enabled = false;
const w3c = new W3CTraceContextPropagator();
const tracer = () => trace.getTracer("ib-mcp");

/** Called once a provider is registered; tests call it with an in-memory exporter. */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

export function tracingEnabled(): boolean {
  return enabled;
}

/** The context a W3C `traceparent` header names; the root context without a valid one. */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, { traceparent }, { get: (c, k) => c[k], keys: (c) => Object.keys(c) });
}

/** The `traceparent` header value of the span active in `ctx`. */
export function traceparentOf(ctx: Context): string | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, {
    set: (c, k, v) => {
      c[k] = v;
    },
  });
  return carrier.traceparent;
}

export interface SpanSpec {
  name: string;
  kind: "client" | "server" | "internal";
  attributes?: Record<string, string | number | boolean>;
  /** The parent: a context (e.g. from contextFromTraceparent); the active context when absent. */
  parent?: Context;
}

const kinds = { client: SpanKind.CLIENT, server: SpanKind.SERVER, internal: SpanKind.INTERNAL };

/** Runs `fn` inside a span (active for everything it awaits); a rejection marks the span as failed. */
export async function inSpan<T>(spec: SpanSpec, fn: (span?: Span) => Promise<T>): Promise<T> {
  if (!enabled) return fn();
  const parent = spec.parent ?? context.active();
  const span = tracer().startSpan(spec.name, { kind: kinds[spec.kind], attributes: spec.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    const code = (err as { code?: unknown })?.code;
    span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === "string" ? code : "error" });
    if (typeof code === "string") span.setAttribute("ib_mcp.error_code", code);
    throw err;
  } finally {
    span.end();
  }
}

/** The active context's traceparent (for a header), inside inSpan. */
export function activeTraceparent(): string | undefined {
  return enabled ? traceparentOf(context.active()) : undefined;
}
