import { spawn, spawnSync } from "node:child_process";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";

/** One measured cell: throughput and latency percentiles in ms; errors count failed or non-success calls. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

export interface LoadGenerator {
  name: string;
  /** `clients` keep-alive connections calling `body` in a loop for `seconds`, spread evenly over `urls`. */
  run(urls: string[], clients: number, seconds: number, body: string): Promise<LoadResult>;
}

const luaScript = fileURLToPath(new URL("./wrk-mcp.lua", import.meta.url));

/** wrk (Debian package `wrk`), a C load generator that leaves the cores to the servers; undefined if absent. */
export function wrkGenerator(): LoadGenerator | undefined {
  if (spawnSync("wrk", ["--version"]).error) return undefined;
  const once = (url: string, clients: number, seconds: number, body: string) =>
    new Promise<{
      requests: number;
      durationUs: number;
      p50Us: number;
      p99Us: number;
      bad: number;
      socketErrors: number;
    }>((resolve, reject) => {
      const args = [
        "-t1",
        `-c${clients}`,
        `-d${seconds}s`,
        "--timeout",
        "10s",
        "-s",
        luaScript,
        url,
        "--",
        body,
      ];
      const proc = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      proc.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      proc.stderr.on("data", (d: Buffer) => {
        err = (err + d.toString()).slice(-2000);
      });
      const deadline = setTimeout(() => proc.kill("SIGKILL"), (seconds + 20) * 1000);
      proc.once("exit", (code) => {
        clearTimeout(deadline);
        const line = out.trim().split("\n").pop() ?? "";
        try {
          resolve(JSON.parse(line));
        } catch {
          reject(new Error(`wrk exited (${code}) without its summary line: ${err || out}`));
        }
      });
    });
  return {
    name: "wrk",
    async run(urls, clients, seconds, body) {
      const share = urls.map(
        (_, i) => Math.floor(clients / urls.length) + (i < clients % urls.length ? 1 : 0),
      );
      const parts = await Promise.all(
        urls.flatMap((url, i) => ((share[i] ?? 0) > 0 ? [once(url, share[i] ?? 0, seconds, body)] : [])),
      );
      return {
        rps: parts.reduce((sum, p) => sum + p.requests / (p.durationUs / 1e6), 0),
        // with several targets, the slowest target's percentile (wrk reports per process)
        p50: Math.max(...parts.map((p) => p.p50Us / 1000)),
        p99: Math.max(...parts.map((p) => p.p99Us / 1000)),
        errors: parts.reduce((sum, p) => sum + p.bad + p.socketErrors, 0),
      };
    },
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) : 0;

/** One tools/call over keep-alive HTTP; resolves true when the MCP result is a success. */
export function mcpCaller(urls: string[], clients: number, body: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  let next = 0;
  const targets = urls.map((u) => new URL(u));
  const call = () =>
    new Promise<boolean>((resolve, reject) => {
      const url = targets[next++ % targets.length]!;
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            Accept: "application/json, text/event-stream",
            "Content-Length": Buffer.byteLength(body),
          },
          timeout: 10_000,
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => {
            text += d;
          });
          res.on("end", () => resolve(res.statusCode === 200 && text.includes('"structuredContent"')));
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", reject);
      req.end(body);
    });
  return { call, close: () => agent.destroy() };
}

/** Runs `clients` loops of `once` for `ms`; returns throughput and latency percentiles in ms. */
export async function drive(clients: number, ms: number, once: () => Promise<boolean>): Promise<LoadResult> {
  const lat: number[] = [];
  let errors = 0;
  const until = performance.now() + ms;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        const ok = await once().catch(() => false);
        if (ok) lat.push(performance.now() - t);
        else errors++;
      }
    }),
  );
  lat.sort((a, b) => a - b);
  return { rps: lat.length / (ms / 1000), p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), errors };
}

/** Node's own HTTP client in this process: always there, but it spends the same cores the servers need. */
export function nodeGenerator(): LoadGenerator {
  return {
    name: "node (built in; install wrk for numbers less disturbed by the load generator)",
    async run(urls, clients, seconds, body) {
      const { call, close } = mcpCaller(urls, clients, body);
      try {
        return await drive(clients, seconds * 1000, call);
      } finally {
        close();
      }
    },
  };
}
