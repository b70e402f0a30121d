import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { GatewayMetrics } from "./metrics-api.ts";

export type { GatewayMetrics } from "./metrics-api.ts";

/** Seconds buckets from sub-millisecond (cached tools) to the longest allowed deadline. */
const latencyBuckets = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/**
 * The gateway's Prometheus metrics (prom-client, so Node, Bun, Deno and Lambda), in a registry of its own so
 * several apps can live in one process.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "ib_mcp_gateway_" });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: "ib_mcp_http_requests_total",
      help: "HTTP requests by route, method and status",
      labelNames: ["route", "method", "status"] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: "ib_mcp_http_request_duration_seconds",
      help: "HTTP request latency by route",
      labelNames: ["route"] as const,
      buckets: latencyBuckets,
      registers,
    }),
    inFlight: new Gauge({
      name: "ib_mcp_http_requests_in_flight",
      help: "HTTP requests being served now",
      registers,
    }),
    toolCalls: new Counter({
      name: "ib_mcp_tool_calls_total",
      help: "tools/call results by tool and code (OK for success)",
      labelNames: ["tool", "code"] as const,
      registers,
    }),
    toolErrors: new Counter({
      name: "ib_mcp_tool_errors_total",
      help: "tools/call errors by tool and error code",
      labelNames: ["tool", "code"] as const,
      registers,
    }),
    busRoundTrip: new Histogram({
      name: "ib_mcp_connector_round_trip_seconds",
      help: "Time from the bus request to the connector's reply, by tool",
      labelNames: ["tool"] as const,
      buckets: latencyBuckets,
      registers,
    }),
  };
}
export type PromGatewayMetrics = ReturnType<typeof createMetrics>;
// Fails to compile if the Prometheus metrics stop fitting the interface the core records through.
const _fits = (m: PromGatewayMetrics): GatewayMetrics => m;
void _fits;
