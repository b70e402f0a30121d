import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";

/** Resolves once something listens on 127.0.0.1:`port`, or rejects after `deadlineMs`. */
export function waitForPort(port: number, deadlineMs: number): Promise<void> {
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
 * Spawns the Debian nats-server with `args` and resolves once every port in `ports` listens (10 s each); rejects
 * with the tail of its stderr when it exits first. `label` names it in that error.
 */
export async function spawnNatsServer(args: string[], ports: number[], label: string): Promise<ChildProcess> {
  const proc = spawn("nats-server", args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  proc.once("error", () => undefined);
  const exited = new Promise<never>((_, reject) =>
    proc.once("exit", (code) => reject(new Error(`${label} exited (${code}): ${stderr}`))),
  );
  exited.catch(() => undefined);
  for (const port of ports) await Promise.race([waitForPort(port, 10_000), exited]);
  return proc;
}

/** Stops a nats-server process with `signal` (SIGKILL after 3 s); nothing when it is not running. */
export async function stopNatsServer(proc: ChildProcess | undefined, signal: NodeJS.Signals = "SIGTERM") {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => proc.kill("SIGKILL"), 3_000);
    proc.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill(signal);
  });
}
