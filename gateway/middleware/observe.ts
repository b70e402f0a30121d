import type { MiddlewareHandler } from "hono";
import type { GatewayMetrics } from "../metrics.ts";

const knownRoutes = new Set(["/mcp", "/health", "/ready", "/metrics"]);

/** Counts, times and tracks in-flight HTTP requests; unknown paths share one label so cardinality stays bounded. */
export function observe(metrics: GatewayMetrics): MiddlewareHandler {
  return async function observe(c, next) {
    const route = knownRoutes.has(c.req.path) ? c.req.path : "other";
    const started = performance.now();
    metrics.inFlight.inc();
    try {
      await next();
    } finally {
      metrics.inFlight.dec();
      metrics.httpDuration.observe({ route }, (performance.now() - started) / 1000);
      metrics.httpRequests.inc({ route, method: c.req.method, status: String(c.res.status) });
    }
  };
}
