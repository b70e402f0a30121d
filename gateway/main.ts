import { processLogger } from "../cli/lifecycle/logger.ts";
import { stopOnSignals } from "../cli/lifecycle/signals.ts";
import { onReloadSignal } from "../cli/reload-signal.ts";
import { nodePlatform } from "./runtime/node.ts";
import { startGateway } from "./runtime/start-gateway.ts";
import { serveGateway } from "./serve.ts";

/**
 * The gateway process on Node: env → checks → NATS (TCP or WebSocket by NATS_URL) → HTTP, until SIGINT/SIGTERM;
 * SIGHUP re-reads the principals. `beforeExit` runs once everything is closed (the CLI flushes buffered trace
 * spans there; a failure is ignored).
 */
export async function runGateway(
  rawEnv: Record<string, string | undefined>,
  beforeExit: () => Promise<void> = async () => undefined,
): Promise<void> {
  const started = await startGateway(rawEnv, {
    ...nodePlatform,
    logger: (env) => processLogger(env.LOG_LEVEL, { app: "ib-mcp-gateway", mode: env.TRADING_MODE }),
  });
  const { env, logger } = started;
  const served = await serveGateway(started.gateway.app, env, logger);
  stopOnSignals(
    async () => {
      await served.close();
      await started.close();
      await beforeExit().catch(() => undefined);
    },
    { logger, message: "stopping: finishing in-flight requests" },
  );
  // a bad file keeps the set in use (the error names the variable, not a token)
  onReloadSignal(
    () => {
      const set = started.gateway.auth.reload();
      logger.info({ principals: set.loaded.entries.map((e) => e.name) }, "principals reloaded");
    },
    (err) =>
      logger.error({ reason: (err as Error).message }, "principals not reloaded; the previous set stays"),
  );
  // Printed once the signal handlers are in place: whoever waits for this line may stop the process at once.
  console.log(`ib-mcp gateway (${env.TRADING_MODE}) ready at ${served.url}`);
}
