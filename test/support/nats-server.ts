import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";
import { spawnNatsServer, stopNatsServer } from "./nats-process.ts";

export interface NatsServerHandle {
  url: string;
  port: number;
  /** ws://127.0.0.1:PORT when started with `websocket: true` (NATS over WebSocket, as edge runtimes reach it). */
  wsUrl?: string;
  /** Stops the server (SIGTERM, then SIGKILL after 3 s). */
  stop(): Promise<void>;
  /** Stops and starts it again on the same port and store, as an operator restart would. */
  restart(): Promise<void>;
  /** The server's process id while it runs (the benchmark reads its CPU time). */
  readonly pid: number | undefined;
}

/**
 * Spawns the Debian nats-server on a free loopback port, with JetStream in a temp store by default, and with
 * `websocket` a WebSocket listener too (a config file: the listener has no command-line flag).
 */
export async function startNatsServer(
  opts: { jetstream?: boolean; args?: string[]; websocket?: boolean } = {},
): Promise<NatsServerHandle> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), "ib-mcp-nats-"));
  const args = ["-a", "127.0.0.1", "-p", String(port), ...(opts.args ?? [])];
  const wsPort = opts.websocket ? await freePort() : undefined;
  if (wsPort !== undefined) {
    const conf = join(storeDir, "websocket.conf");
    writeFileSync(conf, `websocket {\n  listen: "127.0.0.1:${wsPort}"\n  no_tls: true\n}\n`);
    args.push("-c", conf);
  }
  if (opts.jetstream !== false) args.push("-js", "-sd", storeDir);
  let proc: ChildProcess | undefined;

  const start = async () => {
    const ports = wsPort !== undefined ? [port, wsPort] : [port];
    proc = await spawnNatsServer(args, ports, "nats-server");
  };
  const stop = () => stopNatsServer(proc);

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    ...(wsPort !== undefined ? { wsUrl: `ws://127.0.0.1:${wsPort}` } : {}),
    stop: async () => {
      await stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
    restart: async () => {
      await stop();
      await start();
    },
    get pid() {
      return proc?.pid;
    },
  };
}
