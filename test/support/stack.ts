import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { freePort } from "./free-port.ts";
import { type NatsServerHandle, startNatsServer } from "./nats-server.ts";
import { type CliProcess, spawnCli } from "./spawn-cli.ts";

/** Polls `url` until it answers 200, or throws after `timeoutMs` with the last status seen. */
export async function waitForOk(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < until) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms (last: ${last})`);
}

/** Starts `ib-mcp sim` on a free port and returns it with the port it printed. */
export async function spawnSim(args: string[] = []): Promise<{ cli: CliProcess; port: number }> {
  const cli = spawnCli("sim", ["--port", "0", ...args], {});
  const m = await cli.waitFor(/listening on 127\.0\.0\.1:(\d+)/, 20_000);
  return { cli, port: Number(m[1]) };
}

/** An MCP SDK client connected over streamable HTTP, as an agent would connect. */
export async function mcpClient(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "ib-mcp-e2e", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/** The text of the first content block of a tool result. */
export function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.find((c) => c.type === "text")?.text ?? "";
}

/** The processes of the native topology: nats-server, simulator, one connector and N gateways. */
export interface NatsStack {
  nats: NatsServerHandle;
  sim: { cli: CliProcess; port: number };
  connector: CliProcess;
  /** Each gateway with its base URL, e.g. http://127.0.0.1:PORT (MCP at `${base}/mcp`). */
  gateways: Array<{ cli: CliProcess; base: string }>;
  /** Stops gateways, connector, simulator and NATS, in that order. */
  stop(): Promise<void>;
}

/**
 * nats-server, the simulator, one connector (paper, IB_HOST 127.0.0.1: the defaults) and `gateways` gateway
 * processes, resolved once every gateway answers /ready (deadline 30 s).
 */
export async function startNatsStack(opts: {
  clientId: string;
  gateways?: number;
  connectorEnv?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
  /** Extra `ib-mcp sim` flags, e.g. a replay directory or a simulated clock. */
  simArgs?: string[];
}): Promise<NatsStack> {
  const nats = await startNatsServer();
  const sim = await spawnSim(opts.simArgs);
  const connector = spawnCli("connector", [], {
    NATS_URL: nats.url,
    IB_PORT: String(sim.port),
    IB_CLIENT_ID: opts.clientId,
    ...opts.connectorEnv,
  });
  const gateways: NatsStack["gateways"] = [];
  for (let i = 0; i < (opts.gateways ?? 1); i++) {
    const port = await freePort();
    const cli = spawnCli("gateway", [], { NATS_URL: nats.url, PORT: String(port), ...opts.gatewayEnv });
    gateways.push({ cli, base: `http://127.0.0.1:${port}` });
  }
  const stack: NatsStack = {
    nats,
    sim,
    connector,
    gateways,
    async stop() {
      for (const g of gateways) await g.cli.stop();
      await connector.stop();
      await sim.cli.stop();
      await nats.stop();
    },
  };
  try {
    for (const g of gateways) await waitForOk(`${g.base}/ready`, 30_000);
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}
