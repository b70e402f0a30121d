/**
 * What the gateway records, as an interface the core depends on. Runtimes with a Prometheus client pass
 * `createMetrics()` (metrics.ts, prom-client); where no scrape endpoint can exist (a Worker: every isolate would
 * answer for itself alone) the gateway runs with `disabledMetrics()` and /metrics says so.
 */
export interface GatewayMetrics {
  httpRequests: { inc(labels: { route: string; method: string; status: string }): void };
  httpDuration: { observe(labels: { route: string }, seconds: number): void };
  inFlight: { inc(): void; dec(): void };
  toolCalls: { inc(labels: { tool: string; code: string }): void };
  toolErrors: { inc(labels: { tool: string; code: string }): void };
  busRoundTrip: { observe(labels: { tool: string }, seconds: number): void };
  /** The Prometheus exposition served at /metrics; absent where the runtime cannot serve one. */
  registry?: { metrics(): Promise<string>; readonly contentType: string };
}

const ignore = () => undefined;

/** Metrics that record nothing, for runtimes without a scrape endpoint. */
export function disabledMetrics(): GatewayMetrics {
  const counter = { inc: ignore };
  const histogram = { observe: ignore };
  return {
    httpRequests: counter,
    httpDuration: histogram,
    inFlight: { inc: ignore, dec: ignore },
    toolCalls: counter,
    toolErrors: counter,
    busRoundTrip: histogram,
  };
}
