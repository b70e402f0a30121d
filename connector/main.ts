import { processLogger } from "../cli/lifecycle/logger.ts";
import { connectRoleNats } from "../cli/lifecycle/nats.ts";
import { stopOnSignals } from "../cli/lifecycle/signals.ts";
import { onReloadSignal } from "../cli/reload-signal.ts";
import { ConfigError, ConnectorEnv, parseEnv } from "../shared/config.ts";
import { startConnector } from "./connector.ts";

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
  const mode = env.TRADING_MODE;
  const logger = processLogger(env.LOG_LEVEL, { app: "ib-mcp", mode });
  const nc = await connectRoleNats(env, `connector_${mode}`, `ib-mcp-connector-${mode}`);
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
  stopOnSignals(
    async () => {
      offReload();
      await connector.close();
      await nc.drain();
      await beforeExit().catch(() => undefined);
    },
    { logger, message: "shutting down" },
  );
}
