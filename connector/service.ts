import { createRequire } from "node:module";
import type { NatsConnection } from "@nats-io/nats-core";
import { type Service, type ServiceMsg, Svcm } from "@nats-io/services";
import type { Logger } from "pino";
import type { CallContext } from "../shared/bus.ts";
import { IbMcpError, serviceStatusOf, toIbMcpError } from "../shared/errors.ts";
import type { TradingMode } from "../shared/mode.ts";
import { PrincipalName } from "../shared/principals.ts";
import { requestIdOr } from "../shared/request-id.ts";
import { CANCEL_ENDPOINT, Headers, SERVICE_NAME, subjectFor } from "../shared/subjects.ts";
import { catalogue } from "../shared/tools/index.ts";
import { inSpan } from "../shared/tracing.ts";
import { encodeError, encodeResult } from "../shared/wire.ts";
import { type CancelRegistry, createCancelRegistry } from "./cancel-registry.ts";
import { DEFAULT_TIMEOUT_MS, type Dispatcher } from "./dispatch.ts";
import { serveSpan } from "./trace-span.ts";

const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

/** The endpoint name of the cheap presence check: `ib.<mode>._ping` answers `{"mode","state","instance"}` without IB. */
export const PING_ENDPOINT = "_ping";

export interface ConnectorServiceOptions {
  nc: NatsConnection;
  mode: TradingMode;
  dispatcher: Dispatcher;
  /** The service metadata now: mode, account, clientId, ibHost, ibPort, serverVersion, state (strings). */
  metadata: () => Record<string, string>;
  /** Live data for `$SRV.STATS` (the connection status). */
  stats?: () => unknown;
  /** Whether this connector trades; without it the order tools get no endpoint at all (default false). */
  trading?: boolean;
  logger: Logger;
}

export interface ConnectorService {
  /** Re-reads metadata(); call it when the IB connection state changes. */
  refreshMetadata(): void;
  stop(): Promise<void>;
}

const decoder = new TextDecoder();

function headerOf(msg: ServiceMsg, name: string): string | undefined {
  const v = msg.headers?.get(name);
  return v ? v : undefined;
}

function respondWithError(msg: ServiceMsg, err: IbMcpError): void {
  // the description travels in a header: one line, bounded
  const description = err.message.replace(/[\r\n]+/g, " ").slice(0, 512);
  msg.respondError(serviceStatusOf[err.code], description, encodeError(err.toInfo()));
}

/** Reads one request and answers it; never throws (the services module does not await handlers). */
async function serve(
  msg: ServiceMsg,
  tool: string,
  dispatcher: Dispatcher,
  logger: Logger,
  cancels: CancelRegistry,
): Promise<void> {
  const requestId = requestIdOr(headerOf(msg, Headers.requestId));
  try {
    const timeoutHeader = Number(headerOf(msg, Headers.timeoutMs));
    const ctx: CallContext = {
      requestId,
      timeoutMs: Number.isFinite(timeoutHeader) && timeoutHeader > 0 ? timeoutHeader : DEFAULT_TIMEOUT_MS,
    };
    const traceparent = headerOf(msg, Headers.traceparent);
    if (traceparent) ctx.traceparent = traceparent;
    const principal = headerOf(msg, Headers.principal);
    if (principal !== undefined) {
      // only gateways may publish here; a name that is not one is garbage on the bus, refused, never logged as is
      if (!PrincipalName.safeParse(principal).success)
        throw new IbMcpError(
          "INVALID_ARGUMENT",
          `the ${Headers.principal} header of ${tool} is not a principal name (1-64 letters, digits, '.', '_' or '-'); the gateway sets it from the caller's credentials`,
          { requestId },
        );
      ctx.principal = principal;
    }
    const cancelId = headerOf(msg, Headers.cancelId);
    if (cancelId) ctx.onCancel = cancels.hook(cancelId);
    let args: unknown;
    try {
      args = msg.data.length === 0 ? {} : JSON.parse(decoder.decode(msg.data));
    } catch {
      throw new IbMcpError(
        "INVALID_ARGUMENT",
        `the request body of ${tool} is not valid JSON; send the tool arguments as a JSON object, e.g. {"symbol":"AAPL"}`,
        { requestId },
      );
    }
    const result = await inSpan(serveSpan(msg.subject, tool, ctx), () => dispatcher(tool, args, ctx));
    msg.respond(encodeResult(result));
  } catch (err) {
    const e = toIbMcpError(err);
    respondWithError(msg, e.requestId ? e : new IbMcpError(e.code, e.message, { ...e.toInfo(), requestId }));
    if (e.code === "INTERNAL") logger.error({ err, requestId, tool }, "request failed");
  }
}

// The services module freezes metadata at add(); the connection state changes, so we swap the frozen
// object for a new one. Tested in service.test.ts so a library change that breaks this is caught.
function setMetadata(service: Service, metadata: Record<string, string>): void {
  const internal = service as unknown as { config?: { metadata?: Record<string, string> } };
  if (internal.config) internal.config.metadata = Object.freeze({ ...metadata });
}

/**
 * Registers the `ib-connector` NATS micro service: one endpoint per catalogue tool on `ib.<mode>.<tool>` (the
 * order tools only when `trading`), plus `ib.<mode>._ping`. Subscriptions survive NATS server restarts: the client re-subscribes on reconnect.
 */
export async function startConnectorService(opts: ConnectorServiceOptions): Promise<ConnectorService> {
  const { nc, mode, dispatcher, logger } = opts;
  const service = await new Svcm(nc).add({
    name: SERVICE_NAME,
    version,
    description: `Interactive Brokers connector (${mode}): one endpoint per MCP tool`,
    metadata: opts.metadata(),
    statsHandler: async () => opts.stats?.() ?? null,
  });
  const cancels = createCancelRegistry();
  for (const tool of catalogue) {
    // a read-only connector offers no order endpoint: nothing to call, nothing to misconfigure into trading
    if (tool.access === "trade" && !opts.trading) continue;
    service.addEndpoint(tool.name, {
      subject: subjectFor(mode, tool.name),
      metadata: { access: tool.access },
      handler: (err, msg) => {
        if (err) {
          logger.error({ err, tool: tool.name }, "NATS endpoint stopped");
          return;
        }
        void serve(msg, tool.name, dispatcher, logger, cancels);
      },
    });
  }
  const instance = service.info().id;
  service.addEndpoint(PING_ENDPOINT, {
    subject: subjectFor(mode, PING_ENDPOINT),
    handler: (err, msg) => {
      if (err) return;
      try {
        // `instance` tells a gateway whether the connector that has its slow call still serves (gateway/bus/liveness.ts)
        msg.respond(encodeResult({ mode, state: opts.metadata().state ?? "unknown", instance }));
      } catch (e) {
        logger.warn({ err: e }, "ping reply failed");
      }
    },
  });
  // Not an endpoint: every connector of the mode hears a cancel (no queue group), and it is no tool to list.
  const cancelSub = nc.subscribe(subjectFor(mode, CANCEL_ENDPOINT), {
    callback: (err, msg) => {
      if (!err && msg.data.length <= 64) cancels.cancel(decoder.decode(msg.data));
    },
  });
  logger.info({ mode, subjects: `${subjectFor(mode, "*")}` }, "NATS service ib-connector registered");
  return {
    refreshMetadata: () => setMetadata(service, opts.metadata()),
    stop: async () => {
      cancelSub.unsubscribe();
      if (!service.isStopped) await service.stop();
    },
  };
}
