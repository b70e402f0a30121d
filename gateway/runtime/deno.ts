/**
 * The gateway on Deno: `deno task gateway` (deno.json), configured by the same env vars as on Node. NATS over
 * WebSocket (ws://, wss://) with Deno's own WebSocket, or TCP (nats://) through Deno's Node compatibility.
 */

import { mcpUrl, stopOnSignals } from "./listener.ts";
import { nodePlatform } from "./node.ts";
import { startGateway } from "./start-gateway.ts";

declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(
    opts: { hostname: string; port: number; onListen?: (addr: { port: number }) => void },
    handler: (req: Request) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
  exit(code: number): never;
};

const started = await startGateway(Deno.env.toObject(), nodePlatform);
const { env } = started;
let server: ReturnType<typeof Deno.serve> | undefined;
stopOnSignals(started, async () => server?.shutdown(), Deno.exit);
server = Deno.serve(
  {
    hostname: env.HOST,
    port: env.PORT,
    onListen: ({ port }) =>
      console.log(`ib-mcp gateway (${env.TRADING_MODE}, deno) ready at ${mcpUrl(env.HOST, port)}`),
  },
  started.gateway.app.fetch,
);
