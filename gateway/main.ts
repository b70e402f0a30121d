import { readFileSync } from "node:fs";
import { credsAuthenticator, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { pino } from "pino";
import { ConfigError, GatewayEnv, parseEnv } from "../shared/config.ts";
import { natsConnectOptions } from "../shared/nats-options.ts";
import { createGatewayApp } from "./app.ts";
import { createNatsBus } from "./bus/nats-bus.ts";
import { checkGatewaySafety } from "./safety.ts";
import { serveGateway } from "./serve.ts";
import { loadTokens } from "./tokens.ts";

const NATS_CONNECT_DEADLINE_MS = 30_000;
const SHUTDOWN_DEADLINE_MS = 15_000;

async function connectNats(env: GatewayEnv): Promise<NatsConnection> {
  const opts = natsConnectOptions(
    env,
    "ib-mcp-gateway",
    (p) => readFileSync(p),
    credsAuthenticator,
    "gateway",
  );
  let timer: NodeJS.Timeout | undefined;
  const pending = connect(opts);
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      pending.then((nc) => nc.close()).catch(() => undefined);
      reject(
        new ConfigError(
          `cannot reach NATS at ${opts.servers} within ${NATS_CONNECT_DEADLINE_MS / 1000} s; check NATS_URL and the NATS_* credentials`,
        ),
      );
    }, NATS_CONNECT_DEADLINE_MS);
  });
  return Promise.race([pending, expired]).finally(() => clearTimeout(timer));
}

/** The gateway process: env → checks → NATS → HTTP, until SIGINT/SIGTERM. */
export async function runGateway(rawEnv: Record<string, string | undefined>): Promise<void> {
  const env = parseEnv(GatewayEnv, rawEnv);
  const logger = pino({ level: env.LOG_LEVEL, base: { app: "ib-mcp-gateway", mode: env.TRADING_MODE } });
  if (!env.NATS_URL) {
    throw new ConfigError(
      "NATS_URL is not set: the gateway alone reaches the connector over NATS. Set NATS_URL, or run `npm run start` for gateway and connector in one process.",
    );
  }
  const tokens = loadTokens(env);
  checkGatewaySafety(env, tokens); // before any connection, so a bad setting fails at once
  logger.info({ servers: env.NATS_URL.split(",").length }, "connecting to NATS");
  const nc = await connectNats(env);
  const bus = createNatsBus(nc, {
    connectorWaitMs: env.CONNECTOR_WAIT_MS,
    resendReadsAfterMs: env.READ_RESEND_MS,
  });
  const gateway = createGatewayApp({ bus, env, logger, tokens });
  const served = await serveGateway(gateway.app, env, logger);
  console.log(`ib-mcp gateway (${env.TRADING_MODE}) ready at ${served.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: finishing in-flight requests");
    const force = setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS);
    force.unref();
    (async () => {
      await served.close();
      await gateway.close();
      await bus.close();
      await nc.drain().catch(() => nc.close());
    })().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}
