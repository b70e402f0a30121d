import { onReloadSignal } from "../cli/reload-signal.ts";
import { nodePlatform } from "./runtime/node.ts";
import { startGateway } from "./runtime/start-gateway.ts";
import { serveGateway } from "./serve.ts";

const SHUTDOWN_DEADLINE_MS = 15_000;

/**
 * The gateway process on Node: env → checks → NATS (TCP or WebSocket by NATS_URL) → HTTP, until SIGINT/SIGTERM.
 * `beforeExit` runs once everything is closed (the CLI flushes buffered trace spans there; a failure is ignored).
 */
export async function runGateway(
  rawEnv: Record<string, string | undefined>,
  beforeExit: () => Promise<void> = async () => undefined,
): Promise<void> {
  const started = await startGateway(rawEnv, nodePlatform);
  const { env, logger } = started;
  const served = await serveGateway(started.gateway.app, env, logger);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: finishing in-flight requests");
    const force = setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS);
    force.unref();
    (async () => {
      await served.close();
      await started.close();
      await beforeExit().catch(() => undefined);
    })().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "error while stopping");
        process.exit(1);
      },
    );
  };
  // SIGHUP re-reads the principals; a bad file keeps the set in use (the error names the variable, not a token).
  onReloadSignal(
    () => {
      const set = started.gateway.auth.reload();
      logger.info({ principals: set.loaded.entries.map((e) => e.name) }, "principals reloaded");
    },
    (err) =>
      logger.error({ reason: (err as Error).message }, "principals not reloaded; the previous set stays"),
  );
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  // Printed once the signal handlers are in place: whoever waits for this line may stop the process at once.
  console.log(`ib-mcp gateway (${env.TRADING_MODE}) ready at ${served.url}`);
}
