import type { Logger } from "pino";
import { ConnectorEnv, GatewayEnv, parseEnv } from "../shared/config.ts";
import { processLogger } from "./lifecycle/logger.ts";
import { stopOnSignals } from "./lifecycle/signals.ts";
import { onReloadSignal } from "./reload-signal.ts";

type Env = Record<string, string | undefined>;

export interface AllInOne {
  url: string;
  logger: Logger;
  /** Re-reads MCP_PRINCIPALS_FILE in both halves (SIGHUP); throws, keeping the set in use, on a bad file. */
  reload(): void;
  close(): Promise<void>;
}

/** Gateway and connector in one process, joined by an in-process bus instead of NATS. */
export async function startAllInOne(env: Env): Promise<AllInOne> {
  const connectorEnv = parseEnv(ConnectorEnv, env);
  const gatewayEnv = parseEnv(GatewayEnv, env);
  const logger = processLogger(gatewayEnv.LOG_LEVEL, { app: "ib-mcp" });
  const { startConnector } = await import("../connector/connector.ts");
  const { createGatewayApp } = await import("../gateway/app.ts");
  const { serveGateway } = await import("../gateway/serve.ts");
  const { createMetrics } = await import("../gateway/metrics.ts");
  const { readTextFile } = await import("../gateway/runtime/node.ts");

  if (connectorEnv.NATS_URL) {
    logger.warn(
      "NATS_URL is ignored by the all-in-one process; run `npm run connector` and `npm run gateway` to use NATS",
    );
  }
  const connector = await startConnector(connectorEnv, { logger });
  const { createLocalBus } = await import("../connector/local-bus.ts");
  const bus = createLocalBus({ [connectorEnv.TRADING_MODE]: connector.dispatcher });
  const gateway = createGatewayApp({
    bus,
    env: gatewayEnv,
    logger,
    readFile: readTextFile,
    metrics: createMetrics(),
  });
  const server = await serveGateway(gateway.app, gatewayEnv, logger);
  return {
    url: server.url,
    logger,
    reload: () => {
      // the gateway's check first: a bad file then changes neither half
      gateway.auth.reload();
      connector.reloadPrincipals();
    },
    close: async () => {
      await server.close();
      await gateway.close();
      await connector.close();
      await bus.close();
    },
  };
}

/** Runs the all-in-one process until SIGINT/SIGTERM; SIGHUP re-reads the principals. */
export async function runAllInOne(env: Env): Promise<AllInOne> {
  const handle = await startAllInOne(env);
  const offReload = onReloadSignal(
    () => {
      handle.reload();
      handle.logger.info("principals reloaded");
    },
    (err) =>
      handle.logger.error(
        { reason: (err as Error).message },
        "principals not reloaded; the previous set stays",
      ),
  );
  stopOnSignals(
    async () => {
      offReload();
      await handle.close();
    },
    { logger: handle.logger, message: "stopping" },
  );
  return handle;
}
