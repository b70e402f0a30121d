/**
 * The gateway on Bun: `bun gateway/runtime/bun.ts` (or `bun run gateway:bun`), configured by the same env vars as
 * on Node. NATS over TCP (nats://, Bun runs @nats-io/transport-node) or WebSocket (ws://, wss://).
 */

import { mcpUrl, stopOnSignals } from "./listener.ts";
import { nodePlatform } from "./node.ts";
import { startGateway } from "./start-gateway.ts";

interface BunServer {
  port: number;
  stop(closeActiveConnections?: boolean): Promise<void>;
}
declare const Bun: {
  env: Record<string, string | undefined>;
  serve(opts: {
    fetch: (req: Request) => Response | Promise<Response>;
    hostname: string;
    port: number;
  }): BunServer;
};

const started = await startGateway(Bun.env, nodePlatform);
const { env } = started;
const server = Bun.serve({ fetch: started.gateway.app.fetch, hostname: env.HOST, port: env.PORT });
stopOnSignals(started, () => server.stop(), process.exit);
console.log(`ib-mcp gateway (${env.TRADING_MODE}, bun) ready at ${mcpUrl(env.HOST, server.port)}`);
