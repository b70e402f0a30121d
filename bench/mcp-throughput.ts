/**
 * MCP throughput benchmark: tools/call lookup_contract (answered from the connector's contract cache) at 1, 16
 * and 64 concurrent clients over three paths, in one run:
 *   in-process  one process: gateway + in-process bus + connector (`ib-mcp start`)
 *   nats        gateway process → real nats-server → connector process (`ib-mcp gateway` / `ib-mcp connector`)
 *   connector   the connector's own dispatcher call to the simulator, no MCP, no HTTP (in this process)
 * plus "nats, 2 gateways": two gateway processes behind the same NATS, the clients split between them, and
 * "hono baseline": a bare Hono JSON echo in its own process, measured in the same run, so numbers taken on a
 * busy machine can be read against what plain HTTP reaches at that moment.
 * Servers run as child processes so their RSS is their own; the load comes from this process over keep-alive
 * HTTP (one socket per client). It measures and prints; it does not assert.
 *
 *   npm run bench -- [--seconds 3] [--clients 1,16,64]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { startConnector } from "../connector/connector.ts";
import { ConnectorEnv, parseEnv } from "../shared/config.ts";
import { startSimulator } from "../sim/index.ts";
import { freePort } from "../test/support/free-port.ts";
import { startNatsServer } from "../test/support/nats-server.ts";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "3" }, clients: { type: "string", default: "1,16,64" } },
});
const seconds = Number(values.seconds);
const clientLevels = values.clients.split(",").map(Number);
if (!(seconds > 0) || clientLevels.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error("usage: bench/mcp-throughput.ts [--seconds S>0] [--clients 1,16,64]");
  process.exit(2);
}

interface Row {
  path: string;
  clients: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}
const rows: Row[] = [];
const rss: Array<[string, number]> = [];
const children: ChildProcess[] = [];

const percentile = (sorted: number[], p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) : 0;

/** Runs `clients` loops of `once` for `ms`; returns throughput and latency percentiles in ms. */
async function drive(clients: number, ms: number, once: () => Promise<boolean>) {
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

const body = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "lookup_contract", arguments: { symbol: "AAPL" } },
});

/** One tools/call over keep-alive HTTP; true when the MCP result is a success. */
function mcpCaller(urls: string[], clients: number) {
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

async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

/**
 * Spawns `ib-mcp <command>` from the compiled build, as the Docker image runs it (`npm run bench` builds first);
 * with a port, resolves once /health answers there (deadline 30 s).
 */
async function spawnCli(command: string, env: Record<string, string>, port?: number) {
  const proc = spawn(process.execPath, ["dist/cli/main.js", command], {
    env: { ...process.env, LOG_LEVEL: "warn", ...env, ...(port ? { PORT: String(port) } : {}) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(proc);
  let err = "";
  proc.stderr?.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-2000);
  });
  const url = port ? `http://127.0.0.1:${port}/mcp` : "";
  const until = Date.now() + 30_000;
  while (port && !(await healthy(port))) {
    if (proc.exitCode !== null) throw new Error(`${command} exited (${proc.exitCode}): ${err}`);
    if (Date.now() > until) throw new Error(`${command} did not answer /health within 30 s: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, url };
}

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Waits until a tools/call succeeds through `urls` (the connector connected to IB), within 30 s. */
async function warm(urls: string[]) {
  const { call, close } = mcpCaller(urls, 1);
  const until = Date.now() + 30_000;
  try {
    for (;;) {
      if (await call().catch(() => false)) break;
      if (Date.now() > until)
        throw new Error(`no successful tools/call through ${urls.join(", ")} within 30 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await drive(16, 500, call);
  } finally {
    close();
  }
}

async function measureMcp(path: string, urls: string[]) {
  await warm(urls);
  for (const clients of clientLevels) {
    const { call, close } = mcpCaller(urls, clients);
    rows.push({ path, clients, ...(await drive(clients, seconds * 1000, call)) });
    close();
  }
}

const stop = (proc: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
    proc.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill("SIGTERM");
  });

// A bare Hono app answering a JSON POST: the ceiling any MCP path can approach on this machine right now.
const baselineSource = `
import { serve } from "@hono/node-server";
import { Hono } from "hono";
const app = new Hono();
app.get("/health", (c) => c.text("ok"));
app.post("/mcp", async (c) => c.json({ jsonrpc: "2.0", id: 1, result: { structuredContent: await c.req.json() } }));
serve({ fetch: app.fetch, hostname: "127.0.0.1", port: Number(process.env.PORT) });
`;

async function measureBaseline() {
  const port = await freePort();
  const proc = spawn(process.execPath, ["--input-type=module", "-e", baselineSource], {
    env: { ...process.env, PORT: String(port) },
    stdio: "ignore",
  });
  children.push(proc);
  const until = Date.now() + 15_000;
  while (!(await healthy(port))) {
    if (Date.now() > until) throw new Error("the Hono baseline did not start within 15 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  await measureMcp("hono baseline", [`http://127.0.0.1:${port}/mcp`]);
  await stop(proc);
}

const sim = await startSimulator({ port: 0, log: () => undefined });
const ibEnv = { TRADING_MODE: "paper", IB_HOST: "127.0.0.1", IB_PORT: String(sim.port) };
try {
  await measureBaseline();
  // 1. all in one process
  {
    const port = await freePort();
    const { proc, url } = await spawnCli("start", { ...ibEnv, NATS_URL: "", IB_CLIENT_ID: "11" }, port);
    await measureMcp("in-process", [url]);
    rss.push(["all-in-one process (gateway + connector)", rssMb(proc.pid)]);
    await stop(proc);
  }
  // 2. gateway → nats-server → connector, then two gateways
  {
    const nats = await startNatsServer();
    try {
      const natsEnv = { NATS_URL: nats.url };
      const connector = await spawnCli("connector", { ...ibEnv, ...natsEnv, IB_CLIENT_ID: "12" });
      const g1 = await spawnCli("gateway", { ...natsEnv, TRADING_MODE: "paper" }, await freePort());
      await measureMcp("nats", [g1.url]);
      rss.push(["gateway process (nats path)", rssMb(g1.proc.pid)]);
      rss.push(["connector process (nats path)", rssMb(connector.proc.pid)]);
      const g2 = await spawnCli("gateway", { ...natsEnv, TRADING_MODE: "paper" }, await freePort());
      await warm([g2.url]);
      const top = Math.max(...clientLevels);
      const { call, close } = mcpCaller([g1.url, g2.url], top);
      rows.push({ path: "nats, 2 gateways", clients: top, ...(await drive(top, seconds * 1000, call)) });
      close();
      for (const p of [g2.proc, g1.proc, connector.proc]) await stop(p);
    } finally {
      await nats.stop();
    }
  }
  // 3. the connector's own call, no MCP
  {
    const env = parseEnv(ConnectorEnv, { ...ibEnv, IB_CLIENT_ID: "13", LOG_LEVEL: "silent" });
    const connector = await startConnector(env, { logger: pino({ level: "silent" }) });
    try {
      await connector.ready(30_000);
      let id = 0;
      const call = async () => {
        await connector.dispatcher(
          "lookup_contract",
          { symbol: "AAPL" },
          { requestId: `b${id++}`, timeoutMs: 10_000 },
        );
        return true;
      };
      await drive(16, 500, call);
      for (const clients of clientLevels)
        rows.push({ path: "connector", clients, ...(await drive(clients, seconds * 1000, call)) });
    } finally {
      await connector.close();
    }
  }
} finally {
  await Promise.all(children.map(stop));
  await sim.close();
}

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "-");
console.log(`\ntools/call lookup_contract (cached), ${seconds} s per cell\n`);
console.log(
  `${"path".padEnd(18)}${"clients".padStart(8)}${"req/s".padStart(10)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"errors".padStart(8)}`,
);
for (const r of rows) {
  console.log(
    `${r.path.padEnd(18)}${String(r.clients).padStart(8)}${fmt(r.rps).padStart(10)}${fmt(r.p50, 2).padStart(9)}${fmt(r.p99, 2).padStart(9)}${String(r.errors).padStart(8)}`,
  );
}
const at = (path: string, clients: number) =>
  rows.find((r) => r.path === path && r.clients === clients)?.rps ?? Number.NaN;
const top = Math.max(...clientLevels);
console.log(
  `\nnats / in-process at ${top} clients: ${fmt((100 * at("nats", top)) / at("in-process", top))} %`,
);
console.log(
  `2 gateways / 1 gateway at ${top} clients: ${fmt((100 * at("nats, 2 gateways", top)) / at("nats", top))} %`,
);
console.log("\nRSS after the run:");
for (const [name, mb] of rss) console.log(`  ${name.padEnd(44)}${fmt(mb)} MB`);
process.exit(0);
