import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type Simulator, startSimulator } from "../../sim/index.ts";
import { openMarket } from "../../sim/testing/open-market.ts";
import { freePort } from "./free-port.ts";
import { type NatsServerHandle, startNatsServer } from "./nats-server.ts";
import { type CliProcess, spawnCli } from "./spawn-cli.ts";
import { mcpClient, waitForOk } from "./stack.ts";

/** A paper trading stack of real processes: nats-server, the simulator, a trading connector and a gateway. */
export interface TradingStack {
  nats: NatsServerHandle;
  sim: Simulator;
  connector: CliProcess;
  gateway: CliProcess;
  /** An MCP SDK client on the gateway (at `mcpPath`). */
  client: Client;
  /** The gateway's base URL, e.g. http://127.0.0.1:PORT. */
  base: string;
  /** A temporary directory removed by stop(); the audit log lives in it. */
  dir: string;
  auditPath: string;
  /** The connector's environment, for a second connector or a restart. */
  connectorEnv: Record<string, string>;
  /**
   * Stops the connector with `signal` (SIGKILL: a crash) and starts a new one with the same environment;
   * `meanwhile` runs between the two (e.g. to take a fault away).
   */
  restartConnector(signal?: NodeJS.Signals, meanwhile?: () => void): Promise<void>;
  stop(): Promise<void>;
}

export interface TradingStackOptions {
  /** Names the temporary directory. */
  name: string;
  clientId: string;
  /** ORDER_TOKEN_SECRET, so a test can sign (or alter) tokens as preview_order would. */
  secret: string;
  connectorEnv?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
  /** The simulator's time scale; its market is always the pinned open-market clock (orders fill). */
  simTimeScale?: number;
  /** Path and query of the MCP endpoint the client uses; default `/mcp`. */
  mcpPath?: string;
  /** Runs before the connector starts, e.g. to make the audit path unwritable. */
  beforeConnector?: (paths: { dir: string; auditPath: string }) => Promise<void>;
}

/** Starts the stack and resolves once the gateway answers /ready (30 s) and the client is connected. */
export async function startTradingStack(opts: TradingStackOptions): Promise<TradingStack> {
  const dir = await mkdtemp(join(tmpdir(), `ibmcp-e2e-${opts.name}-`));
  const auditPath = join(dir, "audit.jsonl");
  await opts.beforeConnector?.({ dir, auditPath });
  const nats = await startNatsServer();
  const sim = await startSimulator({ port: 0, timeScale: opts.simTimeScale, market: openMarket() });
  const connectorEnv: Record<string, string> = {
    NATS_URL: nats.url,
    IB_HOST: "127.0.0.1",
    IB_PORT: String(sim.port),
    IB_CLIENT_ID: opts.clientId,
    TRADING_MODE: "paper",
    IB_READONLY: "false",
    ORDER_TOKEN_SECRET: opts.secret,
    AUDIT_LOG_PATH: auditPath,
    ...opts.connectorEnv,
  };
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const stack = {
    nats,
    sim,
    connector: spawnCli("connector", [], connectorEnv),
    gateway: spawnCli("gateway", [], {
      NATS_URL: nats.url,
      PORT: String(port),
      TRADING_MODE: "paper",
      MCP_ENABLE_TRADING: "true",
      ...opts.gatewayEnv,
    }),
    base,
    dir,
    auditPath,
    connectorEnv,
    async restartConnector(signal = "SIGTERM", meanwhile) {
      await stack.connector.stop(signal);
      meanwhile?.();
      stack.connector = spawnCli("connector", [], connectorEnv);
    },
    async stop() {
      await stack.client?.close();
      await stack.gateway.stop();
      await stack.connector.stop();
      await sim.close();
      await nats.stop();
      await rm(dir, { recursive: true, force: true });
    },
  } as TradingStack;
  try {
    await waitForOk(`${base}/ready`, 30_000);
    stack.client = await mcpClient(`${base}${opts.mcpPath ?? "/mcp"}`);
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}
