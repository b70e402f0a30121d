import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";

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

function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = connect(port, "127.0.0.1");
      sock.once("connect", () => {
        sock.destroy();
        resolve();
      });
      sock.once("error", () => {
        sock.destroy();
        if (Date.now() > until)
          reject(new Error(`nats-server did not listen on ${port} within ${deadlineMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
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
    proc = spawn("nats-server", args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const exited = new Promise<never>((_, reject) =>
      proc?.once("exit", (code) => reject(new Error(`nats-server exited (${code}): ${stderr}`))),
    );
    proc.once("error", () => undefined);
    await Promise.race([waitForPort(port, 10_000), exited]);
    if (wsPort !== undefined) await Promise.race([waitForPort(wsPort, 10_000), exited]);
  };
  const stop = async () => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => p.kill("SIGKILL"), 3_000);
      p.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      p.kill("SIGTERM");
    });
  };

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
