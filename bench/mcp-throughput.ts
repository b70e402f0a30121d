/**
 * MCP throughput benchmark: tools/call lookup_contract (answered from the connector's contract cache) at 1, 16
 * and 64 concurrent clients over three paths, in one run:
 *   in-process  one process: gateway + in-process bus + connector (`ib-mcp start`)
 *   nats        gateway process → real nats-server → connector process (`ib-mcp gateway` / `ib-mcp connector`)
 *   nats, no MCP  the same call as a bare NATS request from this process to the connector process
 *   connector   the connector's own dispatcher call to the simulator, no MCP, no HTTP (in this process)
 * plus "nats, 2 gateways": two gateway processes behind the same NATS, the clients split between them (at the
 * top client level and at twice it, beside one gateway at twice it), and
 * "hono baseline": a bare Hono JSON echo in its own process, measured in the same run, so numbers taken on a
 * busy machine can be read against what plain HTTP reaches at that moment.
 * Servers run as child processes from the compiled build, as the image runs them (the V8 settings they need
 * are set in cli/main.ts itself), so their CPU and RSS are their own. The load comes from wrk when it is installed
 * (`apt-get install wrk`), else from Node's HTTP client in this process. It measures and prints; it does not
 * assert.
 *
 *   npm run bench -- [--seconds 3] [--clients 1,16,64] [--load wrk|node]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { connect } from "@nats-io/transport-node";
import { pino } from "pino";
import { startConnector } from "../connector/connector.ts";
import { ConnectorEnv, parseEnv } from "../shared/config.ts";
import { startSimulator } from "../sim/index.ts";
import { freePort } from "../test/support/free-port.ts";
import { startNatsServer } from "../test/support/nats-server.ts";
import { cpuSeconds, rssMb } from "./cpu.ts";
import {
  drive,
  type LoadGenerator,
  type LoadResult,
  mcpCaller,
  nodeGenerator,
  wrkGenerator,
} from "./load.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    clients: { type: "string", default: "1,16,64" },
    load: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const clientLevels = values.clients.split(",").map(Number);
if (
  !(seconds > 0) ||
  clientLevels.some((n) => !Number.isInteger(n) || n < 1) ||
  !["wrk", "node", undefined].includes(values.load)
) {
  console.error("usage: bench/mcp-throughput.ts [--seconds S>0] [--clients 1,16,64] [--load wrk|node]");
  process.exit(2);
}
const wrk = values.load === "node" ? undefined : wrkGenerator();
if (values.load === "wrk" && !wrk) {
  console.error("--load wrk: wrk is not installed (apt-get install -y wrk)");
  process.exit(2);
}
const load: LoadGenerator = wrk ?? nodeGenerator();

interface Row extends LoadResult {
  path: string;
  clients: number;
  /** CPU used during the cell, in % of one core, by role. */
  cpu: Record<string, number>;
}
const rows: Row[] = [];
const rss: Array<[string, number]> = [];
const children: ChildProcess[] = [];

const body = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "lookup_contract", arguments: { symbol: "AAPL" } },
});

async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

/**
 * Spawns `ib-mcp <command>` from the compiled build (`npm run bench` builds first); with a port, resolves once
 * /health answers there (deadline 30 s).
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

/** Waits until a tools/call succeeds through `urls` (the connector connected to IB), within 30 s, then warms up. */
async function warm(urls: string[]) {
  const { call, close } = mcpCaller(urls, 1, body);
  const until = Date.now() + 30_000;
  try {
    for (;;) {
      if (await call().catch(() => false)) break;
      if (Date.now() > until)
        throw new Error(`no successful tools/call through ${urls.join(", ")} within 30 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    close();
  }
  await load.run(urls, 16, 1, body);
}

/** Measures one cell and the CPU each named process spent during it. */
async function cell(path: string, urls: string[], clients: number, pids: Record<string, number | undefined>) {
  const before = Object.fromEntries(Object.entries(pids).map(([role, pid]) => [role, cpuSeconds(pid)]));
  const started = performance.now();
  const result = await load.run(urls, clients, seconds, body);
  const wall = (performance.now() - started) / 1000;
  const cpu = Object.fromEntries(
    Object.entries(pids).map(([role, pid]) => [role, (100 * (cpuSeconds(pid) - (before[role] ?? 0))) / wall]),
  );
  rows.push({ path, clients, ...result, cpu });
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
  const urls = [`http://127.0.0.1:${port}/mcp`];
  await warm(urls);
  for (const clients of clientLevels) await cell("hono baseline", urls, clients, { server: proc.pid });
  await stop(proc);
}

const sim = await startSimulator({ port: 0, log: () => undefined });
const ibEnv = { TRADING_MODE: "paper", IB_HOST: "127.0.0.1", IB_PORT: String(sim.port) };
const top = Math.max(...clientLevels);
try {
  await measureBaseline();
  // 1. all in one process
  {
    const port = await freePort();
    const { proc, url } = await spawnCli("start", { ...ibEnv, NATS_URL: "", IB_CLIENT_ID: "11" }, port);
    await warm([url]);
    for (const clients of clientLevels) await cell("in-process", [url], clients, { server: proc.pid });
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
      await warm([g1.url]);
      const pids = { gateway: g1.proc.pid, connector: connector.proc.pid, "nats-server": nats.pid };
      for (const clients of clientLevels) await cell("nats", [g1.url], clients, pids);
      // the same call as a bare NATS request from this process: what NATS itself costs, without MCP and HTTP
      {
        const nc = await connect({ servers: nats.url, noAsyncTraces: true });
        try {
          const payload = JSON.stringify({ symbol: "AAPL" });
          const call = async () => {
            const msg = await nc.request("ib.paper.lookup_contract", payload, { timeout: 10_000 });
            return !msg.headers?.hasError && msg.string().includes('"conId"');
          };
          await drive(16, 500, call);
          for (const clients of clientLevels) {
            const before = { connector: cpuSeconds(connector.proc.pid), nats: cpuSeconds(nats.pid) };
            const started = performance.now();
            const result = await drive(clients, seconds * 1000, call);
            const wall = (performance.now() - started) / 1000;
            const cpu = {
              connector: (100 * (cpuSeconds(connector.proc.pid) - before.connector)) / wall,
              "nats-server": (100 * (cpuSeconds(nats.pid) - before.nats)) / wall,
            };
            rows.push({ path: "nats, no MCP", clients, ...result, cpu });
          }
        } finally {
          await nc.close();
        }
      }
      rss.push(["gateway process (nats path)", rssMb(g1.proc.pid)]);
      rss.push(["connector process (nats path)", rssMb(connector.proc.pid)]);
      const g2 = await spawnCli("gateway", { ...natsEnv, TRADING_MODE: "paper" }, await freePort());
      await warm([g2.url]);
      // Scaling out pays once one gateway is the limit: compare at the top level and at twice it.
      await cell("nats", [g1.url], 2 * top, pids);
      for (const clients of [top, 2 * top]) {
        await cell("nats, 2 gateways", [g1.url, g2.url], clients, {
          gateway: g1.proc.pid,
          "gateway 2": g2.proc.pid,
          connector: connector.proc.pid,
          "nats-server": nats.pid,
        });
      }
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
      for (const clients of clientLevels) {
        const before = process.cpuUsage();
        const result = await drive(clients, seconds * 1000, call);
        const used = process.cpuUsage(before);
        const cpu = { "this process": (used.user + used.system) / (seconds * 10_000) };
        rows.push({ path: "connector", clients, ...result, cpu });
      }
    } finally {
      await connector.close();
    }
  }
} finally {
  await Promise.all(children.map(stop));
  await sim.close();
}

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "-");
console.log(`\ntools/call lookup_contract (cached), ${seconds} s per cell`);
console.log(`load generator: ${load.name}\n`);
console.log(
  `${"path".padEnd(18)}${"clients".padStart(8)}${"req/s".padStart(10)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"errors".padStart(8)}   CPU, % of one core`,
);
for (const r of rows) {
  const cpu = Object.entries(r.cpu)
    .map(([role, pct]) => `${role} ${fmt(pct)}`)
    .join(", ");
  console.log(
    `${r.path.padEnd(18)}${String(r.clients).padStart(8)}${fmt(r.rps).padStart(10)}${fmt(r.p50, 2).padStart(9)}${fmt(r.p99, 2).padStart(9)}${String(r.errors).padStart(8)}   ${cpu}`,
  );
}
const at = (path: string, clients: number) =>
  rows.find((r) => r.path === path && r.clients === clients)?.rps ?? Number.NaN;
console.log(
  `\nnats / in-process at ${top} clients: ${fmt((100 * at("nats", top)) / at("in-process", top))} %`,
);
for (const clients of [top, 2 * top]) {
  console.log(
    `2 gateways / 1 gateway at ${clients} clients: ${fmt((100 * at("nats, 2 gateways", clients)) / at("nats", clients))} %`,
  );
}
console.log("\nRSS after the run:");
for (const [name, mb] of rss) console.log(`  ${name.padEnd(44)}${fmt(mb)} MB`);
process.exit(0);
