import { createServer, type Server, type Socket } from "node:net";
import { SimConnection } from "./connection.ts";
import { startControlApi } from "./control/control-api.ts";
import { SimCore } from "./core.ts";
import { SimOptionsError } from "./errors.ts";
import { handlerTable } from "./handlers/index.ts";
import { type SimLog, SimOptions } from "./options.ts";
import { type OrderTamper, tamperNextOrder } from "./orders/order-tamper.ts";
import { type SimStats, StatsCounter } from "./stats.ts";
import type { ReceivedLog } from "./wire-log.ts";

/** A running simulator. */
export interface Simulator {
  readonly host: string;
  readonly port: number;
  readonly controlPort: number | undefined;
  readonly serverVersion: number;
  readonly accounts: readonly string[];
  stats(): SimStats;
  resetStats(): void;
  /** The raw fields clients sent after message `since` (bounded; see sim/wire-log.ts). */
  received(since?: number): ReceivedLog;
  resetReceived(): void;
  /** Destroys every client socket at once, as a crashed gateway would. */
  dropConnections(): void;
  /** Starts an outage: 1100 to every client, new connections refused, then 1102 (default) or 1101 after ms. */
  outage(ms: number, opts?: { recovery?: "1101" | "1102" }): Promise<void>;
  setLatency(ms: number): void;
  /** Fault: the next order accepted is altered before it is booked (see orders/order-tamper.ts). */
  tamperNextOrder(t: OrderTamper): void;
  close(): Promise<void>;
}

const silent: SimLog = () => {};

/** Starts the IB Gateway simulator; resolves once it listens. */
export async function startSimulator(opts: SimOptions = {}): Promise<Simulator> {
  const parsed = SimOptions.safeParse(opts);
  if (!parsed.success) {
    throw new SimOptionsError(
      `bad simulator options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const config = parsed.data;
  const stats = new StatsCounter();
  const core = new SimCore(config, stats, config.log ?? silent);
  const connections = new Set<SimConnection>();
  const byClientId = new Map<number, SimConnection>();
  core.sessionOf = (clientId) => byClientId.get(clientId);
  core.openConnections = () => [...connections].filter((c) => c.isOpen);
  const rawSockets = new Set<Socket>();
  let outageTimer: NodeJS.Timeout | undefined;

  const hooks = {
    handlers: handlerTable,
    bindClientId(conn: SimConnection, clientId: number): boolean {
      const holder = byClientId.get(clientId);
      if (holder && holder !== conn && holder.isOpen) return false;
      byClientId.set(clientId, conn);
      conn.clientId = clientId;
      stats.clientIdBound(clientId);
      return true;
    },
    onClose(conn: SimConnection): void {
      if (!connections.delete(conn)) return;
      stats.connectionClosed();
      if (conn.clientId !== undefined && byClientId.get(conn.clientId) === conn) {
        byClientId.delete(conn.clientId);
        stats.clientIdReleased(conn.clientId);
      }
    },
  };

  const server: Server = createServer((socket) => {
    rawSockets.add(socket);
    socket.on("close", () => rawSockets.delete(socket));
    if (core.inOutage) {
      core.log("info", "connection refused: outage in progress");
      socket.destroy();
      return;
    }
    stats.connectionOpened();
    connections.add(new SimConnection(socket, core, hooks));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;

  const sim: Simulator = {
    host: config.host,
    port,
    controlPort: undefined,
    serverVersion: config.serverVersion,
    accounts: config.accounts,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    received: (since) => core.wireLog.snapshot(since),
    resetReceived: () => core.wireLog.clear(),
    dropConnections() {
      for (const c of [...connections]) c.destroy();
      core.log("info", "dropped every connection");
    },
    async outage(ms, opts = {}) {
      const recovery = opts.recovery ?? "1102";
      clearTimeout(outageTimer);
      core.outageUntil = Date.now() + ms;
      for (const c of connections)
        c.notice(1100, "Connectivity between IB and Trader Workstation has been lost.");
      outageTimer = setTimeout(() => {
        core.outageUntil = 0;
        for (const c of connections) {
          if (recovery === "1101") {
            c.notice(1101, "Connectivity between IB and Trader Workstation has been restored - data lost.");
          } else {
            c.notice(
              1102,
              "Connectivity between IB and Trader Workstation has been restored - data maintained.",
            );
          }
        }
      }, ms);
      core.log("info", `outage for ${ms} ms, recovery ${recovery}`);
    },
    setLatency(ms) {
      core.latencyMs = Math.max(0, Math.floor(ms));
    },
    tamperNextOrder: (t) => tamperNextOrder(core, t),
    async close() {
      clearTimeout(outageTimer);
      await control?.close();
      for (const c of [...connections]) c.destroy();
      for (const s of rawSockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const control =
    config.controlPort === undefined
      ? undefined
      : await startControlApi(sim, config.host, config.controlPort);
  const result: Simulator = { ...sim, controlPort: control?.port };
  core.log("info", `listening on ${config.host}:${port} (server version ${config.serverVersion})`);
  return result;
}
