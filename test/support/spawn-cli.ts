import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface CliProcess {
  proc: ChildProcess;
  /** Everything the process printed so far (stdout and stderr), for assertions and failure messages. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Sends `signal` and waits for exit (SIGKILL after 5 s). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `ib-mcp <command>` (cli/main.ts through tsx) as a real child process with the given environment. */
export function spawnCli(command: string, args: string[], env: Record<string, string>): CliProcess {
  return spawnWatched(
    process.execPath,
    ["--import", "tsx", "cli/main.ts", command, ...args],
    env,
    `ib-mcp ${command}`,
  );
}

/**
 * Runs any program from the repository root (a runtime binary with its entry file, say) with a minimal
 * environment plus `env`, and watches its output like spawnCli. `label` names it in failure messages.
 */
export function spawnWatched(
  bin: string,
  argv: string[],
  env: Record<string, string>,
  label: string,
): CliProcess {
  const proc = spawn(bin, argv, {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out = (out + d.toString()).slice(-200_000);
    for (const l of listeners) l();
  };
  proc.stdout?.on("data", onData);
  proc.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));

  return {
    proc,
    output: () => out,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            done();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${label}: no output matching ${pattern} within ${timeoutMs} ms:\n${out}`));
        }, timeoutMs);
        const onExit = (code: number | null) => {
          done();
          reject(new Error(`${label} exited (${code}) before printing ${pattern}:\n${out}`));
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          proc.off("exit", onExit);
        };
        listeners.add(check);
        proc.once("exit", onExit);
        check();
      });
    },
    async stop(signal = "SIGTERM") {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      proc.kill(signal);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
