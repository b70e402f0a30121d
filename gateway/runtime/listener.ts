import type { StartedGateway } from "./start-gateway.ts";

/** The printed URL of a listener: a wildcard bind is reached through loopback, IPv6 literals get brackets. */
export function mcpUrl(host: string, port: number): string {
  const h = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return `http://${h}:${port}/mcp`;
}

const SHUTDOWN_DEADLINE_MS = 15_000;

/**
 * Stops a runtime's listener and the gateway on SIGINT/SIGTERM (in-flight requests finish first), exiting
 * within SHUTDOWN_DEADLINE_MS whatever happens. Bun and Deno both offer `process` for this.
 */
export function stopOnSignals(
  started: StartedGateway,
  stopListening: () => Promise<void>,
  exit: (code: number) => void,
): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    started.logger.info({ signal }, "stopping: finishing in-flight requests");
    setTimeout(() => exit(1), SHUTDOWN_DEADLINE_MS);
    stopListening()
      .then(() => started.close())
      .then(
        () => exit(0),
        () => exit(1),
      );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}
