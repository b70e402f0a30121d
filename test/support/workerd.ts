import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleWorker } from "../../gateway/runtime/workers-bundle.ts";
import { freePort } from "./free-port.ts";
import { waitForOk } from "./stack.ts";

const require = createRequire(import.meta.url);

export interface WorkerService {
  /** A capnp identifier: letters and digits. */
  name: string;
  /** Text bindings: the Worker's vars and secrets. */
  env: Record<string, string>;
  /** Binds NATS_BUS to a NatsBusObject Durable Object of this service's own (in-memory storage). */
  durableObject: boolean;
}

export interface WorkerdHandle {
  /** Base URL of each service by name, e.g. http://127.0.0.1:PORT (MCP at `${base}/mcp`). */
  bases: Record<string, string>;
  readonly pid: number | undefined;
  output(): string;
  stop(): Promise<void>;
}

const quote = (s: string) => JSON.stringify(s);

function workerBlock(s: WorkerService): string {
  const bindings = Object.entries(s.env).map(([k, v]) => `(name = ${quote(k)}, text = ${quote(v)})`);
  if (s.durableObject) bindings.push(`(name = "NATS_BUS", durableObjectNamespace = "NatsBusObject")`);
  const dos = s.durableObject
    ? `durableObjectNamespaces = [(className = "NatsBusObject", uniqueKey = "ib-mcp-${s.name}")],
  durableObjectStorage = (inMemory = void),`
    : "";
  return `const ${s.name} :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-09-01",
  bindings = [${bindings.join(", ")}],
  ${dos}
);`;
}

/**
 * `workerd serve` with a generated config: the Worker bundle (built here with esbuild) behind one loopback socket
 * per service, and an "internet" service that may reach loopback (where the test's nats-server listens).
 * Resolves once every service answers /health (deadline 30 s).
 */
export async function startWorkerd(services: WorkerService[]): Promise<WorkerdHandle> {
  const dir = mkdtempSync(join(tmpdir(), "ib-mcp-workerd-"));
  await bundleWorker(dir);
  const ports = await Promise.all(services.map(() => freePort()));
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    ${services.map((s) => `(name = ${quote(s.name)}, worker = .${s.name}),`).join("\n    ")}
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [
    ${services.map((s, i) => `(name = ${quote(s.name)}, address = "127.0.0.1:${ports[i]}", http = (), service = ${quote(s.name)}),`).join("\n    ")}
  ],
);
${services.map(workerBlock).join("\n")}
`;
  writeFileSync(join(dir, "config.capnp"), config);
  const bin = join(require.resolve("workerd/package.json"), "..", "bin", "workerd");
  const proc: ChildProcess = spawn(bin, ["serve", join(dir, "config.capnp")], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const onData = (d: Buffer) => {
    out = (out + d.toString()).slice(-100_000);
  };
  proc.stdout?.on("data", onData);
  proc.stderr?.on("data", onData);
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const timer = setTimeout(() => proc.kill("SIGKILL"), 3_000);
      proc.kill("SIGTERM");
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const bases = Object.fromEntries(services.map((s, i) => [s.name, `http://127.0.0.1:${ports[i]}`]));
  try {
    for (const base of Object.values(bases)) await waitForOk(`${base}/health`, 30_000);
  } catch (err) {
    await stop();
    throw new Error(`workerd did not serve: ${String(err)}\n${out}`);
  }
  return {
    bases,
    get pid() {
      return proc.pid;
    },
    output: () => out,
    stop,
  };
}
