/**
 * The gateway as a Cloudflare Worker (built by `npm run gateway:workers`, deployed with wrangler; see
 * wrangler.toml). workerd refuses I/O on a socket opened during another request, so the NATS connection lives in
 * a Durable Object (NatsBusObject) that every request reaches by RPC; NATS_BUS_MODE=per-request opens a
 * connection per call instead (slower, no Durable Object). Configuration comes from the Worker's env bindings
 * (vars, and secrets for MCP_AUTH_TOKENS and NATS credentials); NATS_URL must be ws:// or wss://.
 */
import { DurableObject } from "cloudflare:workers";
import { pino } from "pino";
import type { Bus } from "../../shared/bus.ts";
import { ConfigError, type GatewayEnv, parseEnv, WorkerBusEnv } from "../../shared/config.ts";
import { IbMcpError } from "../../shared/errors.ts";
import { createGatewayApp } from "../app.ts";
import { createNatsBus } from "../bus/nats-bus.ts";
import { jsonRpcErrorResponse } from "../mcp/jsonrpc.ts";
import {
  answerBusCall,
  type BusCall,
  type BusObjectRpc,
  createCancelHooks,
  type DurableObjectNamespaceLike,
  durableObjectBus,
} from "./durable-object-bus.ts";
import { connectionPerCallBus } from "./per-call-bus.ts";
import { connectGatewayNats, gatewaySettings, natsBusOptions } from "./start-gateway.ts";

export interface WorkerEnv {
  NATS_BUS?: DurableObjectNamespaceLike;
  [name: string]: unknown;
}

/** The string bindings (vars and secrets) as env vars; a Worker is public unless HOST says otherwise. */
function settingsOf(bindings: WorkerEnv) {
  const raw: Record<string, string> = { HOST: "0.0.0.0" };
  for (const [k, v] of Object.entries(bindings)) if (typeof v === "string") raw[k] = v;
  return { ...gatewaySettings(raw), busMode: parseEnv(WorkerBusEnv, raw).NATS_BUS_MODE };
}

// pino resolves to its browser build in the Worker bundle: JSON objects on console, which Workers Logs keeps.
const loggerFor = (env: GatewayEnv) => pino({ level: env.LOG_LEVEL, browser: { asObject: true } });
const workerTransports = { transports: {} };
// A Durable Object keeps reconnecting once connected, but a call must not wait long for the first connection.
const FIRST_CONNECT_DEADLINE_MS = 5_000;
// A connection per call is used once: it fails at once rather than retrying.
const oneShot = { waitOnFirstConnect: false, maxReconnectAttempts: 0, reconnect: false };

type Built = { fetch: (req: Request) => Response | Promise<Response> };
let built: Built | undefined;

function build(bindings: WorkerEnv): Built {
  const { env, auth, busMode } = settingsOf(bindings);
  let bus: Bus;
  if (busMode === "per-request") {
    bus = connectionPerCallBus(
      () => connectGatewayNats(env, workerTransports, oneShot, FIRST_CONNECT_DEADLINE_MS),
      natsBusOptions(env),
    );
  } else if (bindings.NATS_BUS) {
    bus = durableObjectBus(bindings.NATS_BUS);
  } else {
    throw new ConfigError(
      "NATS_BUS: bind the NatsBusObject Durable Object (see wrangler.toml), or set NATS_BUS_MODE=per-request",
    );
  }
  // The app (one McpServer per mode) is built once per isolate: it holds no I/O, only the tools and the mux.
  return createGatewayApp({ bus, env, auth, logger: loggerFor(env) }).app;
}

export default {
  fetch(req: Request, bindings: WorkerEnv): Response | Promise<Response> {
    try {
      built ??= build(bindings);
    } catch (err) {
      const message = err instanceof ConfigError ? err.message : "the gateway failed to start";
      console.error(`ib-mcp gateway: ${message}`);
      return jsonRpcErrorResponse(500, -32603, `Internal error: misconfigured gateway (${message})`);
    }
    return built.fetch(req);
  },
};

/**
 * Holds the Worker's one NATS connection (WebSocket) and serves bus calls over it by RPC. A Durable Object keeps
 * its I/O across the requests it receives, which a plain Worker cannot.
 */
export class NatsBusObject extends DurableObject<WorkerEnv> implements BusObjectRpc {
  #bus: Promise<Bus> | undefined;
  readonly #cancels = createCancelHooks();

  #connected(): Promise<Bus> {
    this.#bus ??= (async () => {
      const { env } = settingsOf(this.env);
      const nc = await connectGatewayNats(env, workerTransports, {}, FIRST_CONNECT_DEADLINE_MS);
      // A closed connection (NATS gone beyond reconnection) is replaced on the next call.
      void nc.closed().then(() => {
        this.#bus = undefined;
      });
      return createNatsBus(nc, natsBusOptions(env));
    })();
    this.#bus.catch(() => {
      this.#bus = undefined;
    });
    return this.#bus.catch(() => connectionFailed);
  }

  async call(request: BusCall): Promise<Uint8Array> {
    return answerBusCall(await this.#connected(), request, this.#cancels);
  }

  async cancel(cancelId: string): Promise<void> {
    this.#cancels.cancel(cancelId);
  }

  async ping(mode: BusCall["mode"], timeoutMs: number): Promise<boolean> {
    return (await this.#connected()).ping(mode, timeoutMs);
  }
}

// Answers every call with CONNECTOR_UNAVAILABLE while NATS cannot be reached.
const connectionFailed: Bus = {
  call: async (mode, _tool, _args, ctx) => {
    const message = `the gateway cannot reach NATS, so no ${mode} connector either`;
    throw new IbMcpError("CONNECTOR_UNAVAILABLE", message, { requestId: ctx.requestId });
  },
  ping: async () => false,
  close: async () => {},
};
