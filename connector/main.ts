import { readFileSync } from "node:fs";
import { credsAuthenticator } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { pino } from "pino";
import { onReloadSignal } from "../cli/reload-signal.ts";
import { ConfigError, ConnectorEnv, parseEnv } from "../shared/config.ts";
import { natsConnectOptions } from "../shared/nats-options.ts";
import { startConnector } from "./connector.ts";

/** How long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * Process entry of the standalone connector: NATS_URL is required; SIGINT/SIGTERM close cleanly. `beforeExit` runs
 * once everything is closed (the CLI flushes buffered trace spans there; a failure is ignored).
 */
export async function runConnector(
  rawEnv: Record<string, string | undefined>,
  beforeExit: () => Promise<void> = async () => undefined,
): Promise<void> {
  const env = parseEnv(ConnectorEnv, rawEnv);
  if (!env.NATS_URL)
    throw new ConfigError(
      "NATS_URL: required for the standalone connector (e.g. nats://127.0.0.1:4222); without NATS use `npm run start`, which runs gateway and connector in one process",
    );
  const logger = pino({
    level: env.LOG_LEVEL,
    base: { app: "ib-mcp", mode: env.TRADING_MODE },
    redact: ["*.password", "*.pass", "*.token", "*.NATS_PASSWORD", "*.NATS_TOKEN"],
  });
  const nc = await connect(
    natsConnectOptions(
      env,
      `ib-mcp-connector-${env.TRADING_MODE}`,
      (p) => readFileSync(p),
      credsAuthenticator,
      `connector_${env.TRADING_MODE}`,
    ),
  );
  logger.info("connected to NATS");
  const connector = await startConnector(env, { nc, logger });
  logger.info(
    { ib: `${env.IB_HOST}:${env.IB_PORT}`, clientId: env.IB_CLIENT_ID, readOnly: env.IB_READONLY },
    "connector started; waiting for the lease, then connecting to IB",
  );

  // SIGHUP re-reads MCP_PRINCIPALS_FILE; a bad file keeps the one in use
  const offReload = onReloadSignal(
    () => {
      connector.reloadPrincipals();
      logger.info({ file: env.MCP_PRINCIPALS_FILE }, "MCP_PRINCIPALS_FILE reloaded");
    },
    (err) => logger.error({ err }, "MCP_PRINCIPALS_FILE not reloaded; keeping the principals in use"),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    offReload();
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS);
    force.unref();
    connector
      .close()
      .then(() => nc.drain())
      .then(() => beforeExit().catch(() => undefined))
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}
