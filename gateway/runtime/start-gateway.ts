import { type ConnectionOptions, credsAuthenticator, type NatsConnection } from "@nats-io/nats-core";
import type { Logger } from "pino";
import type { Bus } from "../../shared/bus.ts";
import { ConfigError, GatewayEnv, parseEnv } from "../../shared/config.ts";
import { natsConnectOptions } from "../../shared/nats-options.ts";
import { createGatewayApp, type GatewayApp } from "../app.ts";
import { createGatewayAuth, type GatewayAuth } from "../auth/create-auth.ts";
import { connectNats, type NatsTransports } from "../bus/connect.ts";
import { createNatsBus, type NatsBusOptions } from "../bus/nats-bus.ts";
import type { GatewayMetrics } from "../metrics-api.ts";
import { checkGatewaySafety } from "../safety.ts";

type RawEnv = Record<string, string | undefined>;

/** What a runtime adapter provides; everything else about the gateway is the same on every runtime. */
export interface RuntimePlatform {
  transports: NatsTransports;
  /** Reads a file (MCP_PRINCIPALS_FILE, MCP_AUTH_TOKENS_FILE, NATS_CREDS_FILE); absent where there is no file system. */
  readTextFile?: (path: string) => string;
  logger: (env: GatewayEnv) => Logger;
  metrics?: () => GatewayMetrics;
}

export interface GatewaySettings {
  env: GatewayEnv;
  /** Who may call; `reload()` re-reads the principals (SIGHUP on Node). */
  auth: GatewayAuth;
}

/** Env → validated settings; every refusal (bad variable, unsafe exposure, no NATS_URL) happens here, before I/O. */
export function gatewaySettings(raw: RawEnv, readTextFile?: (path: string) => string): GatewaySettings {
  const env = parseEnv(GatewayEnv, raw);
  if (!env.NATS_URL) {
    throw new ConfigError(
      "NATS_URL is not set: the gateway alone reaches the connector over NATS. Set NATS_URL, or run `npm run start` for gateway and connector in one process.",
    );
  }
  const auth = createGatewayAuth(env, { readFile: readTextFile });
  checkGatewaySafety(env, auth.methods());
  return { env, auth };
}

/**
 * Opens the NATS connection NATS_URL names, with the transports this runtime has; `overrides` adjust the
 * long-lived defaults (a connection per call wants no reconnection), `deadlineMs` bounds the first connect.
 */
export function connectGatewayNats(
  env: GatewayEnv,
  platform: Pick<RuntimePlatform, "transports" | "readTextFile">,
  overrides: Partial<ConnectionOptions> = {},
  deadlineMs?: number,
): Promise<NatsConnection> {
  const readFile = (path: string): Uint8Array => {
    if (!platform.readTextFile) {
      throw new ConfigError(
        "NATS_CREDS_FILE: this runtime has no file system to read it from; use NATS_USER and NATS_PASSWORD or NATS_TOKEN (secrets)",
      );
    }
    return new TextEncoder().encode(platform.readTextFile(path));
  };
  const opts = natsConnectOptions(env, "ib-mcp-gateway", readFile, credsAuthenticator, "gateway");
  return connectNats({ ...opts, ...overrides }, platform.transports, deadlineMs);
}

/** The bus's waits from env, the same on every runtime: for a connector to appear, and for a lost read reply. */
export function natsBusOptions(env: GatewayEnv): NatsBusOptions {
  return { connectorWaitMs: env.CONNECTOR_WAIT_MS, resendReadsAfterMs: env.READ_RESEND_MS };
}

export interface StartedGateway {
  env: GatewayEnv;
  gateway: GatewayApp;
  bus: Bus;
  logger: Logger;
  /** Finishes with the app, then drains the NATS connection. */
  close(): Promise<void>;
}

/** Env → checks → NATS → the Hono app, on any runtime; serving it is the adapter's job. */
export async function startGateway(raw: RawEnv, platform: RuntimePlatform): Promise<StartedGateway> {
  const { env, auth } = gatewaySettings(raw, platform.readTextFile);
  const logger = platform.logger(env);
  logger.info({ servers: env.NATS_URL?.split(",").length }, "connecting to NATS");
  const nc = await connectGatewayNats(env, platform);
  const bus = createNatsBus(nc, natsBusOptions(env));
  const gateway = createGatewayApp({ bus, env, logger, auth, metrics: platform.metrics?.() });
  return {
    env,
    gateway,
    bus,
    logger,
    close: async () => {
      await gateway.close();
      await bus.close();
      await nc.drain().catch(() => nc.close());
    },
  };
}
