import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Logger } from "pino";
import { ConfigError, type GatewayEnv } from "../shared/config.ts";

export interface ServedGateway {
  /** The MCP endpoint, e.g. http://127.0.0.1:48012/mcp. */
  url: string;
  port: number;
  server: Server;
  /** Stops accepting, lets in-flight requests finish (at most `drainMs`), then cuts what is left. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** Serves a fetch handler on HOST:PORT (PORT=0 picks a free port); used by the gateway and the all-in-one process. */
export function serveGateway(
  app: { fetch: (req: Request) => Response | Promise<Response> },
  env: Pick<GatewayEnv, "HOST" | "PORT">,
  logger: Logger,
  opts: { drainMs?: number } = {},
): Promise<ServedGateway> {
  const drainMs = opts.drainMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }) as Server;
    server.once("error", (err: NodeJS.ErrnoException) => {
      reject(
        err.code === "EADDRINUSE" || err.code === "EACCES" || err.code === "EADDRNOTAVAIL"
          ? new ConfigError(
              `cannot listen on HOST=${env.HOST} PORT=${env.PORT} (${err.code}); choose another PORT or HOST`,
            )
          : err,
      );
    });
    server.once("listening", () => {
      const port = (server.address() as AddressInfo).port;
      const url = `http://${urlHost(env.HOST)}:${port}/mcp`;
      logger.info({ url }, `ib-mcp gateway listening on ${url}`);
      let closing: Promise<void> | undefined;
      resolve({
        url,
        port,
        server,
        close: () => {
          closing ??= new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), drainMs);
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          });
          return closing;
        },
      });
    });
  });
}
