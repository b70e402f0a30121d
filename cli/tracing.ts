import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { parseEnv, TracingEnv } from "../shared/config.ts";
import { setTracingEnabled } from "../shared/tracing.ts";

export interface Tracing {
  /** Exports what is buffered and stops; bounded by the exporter's own timeout. */
  shutdown(): Promise<void>;
}

/**
 * Installs the global tracer provider of this process. With `exporter` (tests: an in-memory one) spans go there
 * as they end; otherwise to OTLP over HTTP at OTEL_EXPORTER_OTLP_ENDPOINT (the exporter reads the standard
 * OTEL_EXPORTER_OTLP_* variables itself), in batches. Without either nothing is installed and tracing stays off.
 */
export function installTracing(
  serviceName: string,
  rawEnv: Record<string, string | undefined>,
  exporter?: SpanExporter,
): Tracing {
  const env = parseEnv(TracingEnv, rawEnv);
  let processor: SpanProcessor;
  if (exporter) processor = new SimpleSpanProcessor(exporter);
  else if (env.OTEL_EXPORTER_OTLP_ENDPOINT) processor = new BatchSpanProcessor(new OTLPTraceExporter());
  else return { shutdown: async () => undefined };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": env.OTEL_SERVICE_NAME ?? serviceName }),
    spanProcessors: [processor],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  setTracingEnabled(true);
  return {
    async shutdown() {
      setTracingEnabled(false);
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}
