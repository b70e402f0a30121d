/**
 * The gateway on each runtime, one after the other, against one nats-server (TCP and WebSocket listeners), one
 * connector process and the simulator: tools/call lookup_contract (answered from the connector's contract cache)
 * at 1, 16 and 64 clients.
 *   node, nats://     `ib-mcp gateway` over TCP (the default deployment)
 *   node, ws://       the same over WebSocket (Node 20 --experimental-websocket)
 *   bun, ws:// and nats://    gateway/runtime/bun.ts over WebSocket, and over TCP (Node compatibility)
 *   deno, ws:// and nats://   gateway/runtime/deno.ts, the same
 *   workerd, DO       the Worker bundle on workerd, NATS held by the Durable Object
 *   workerd, per-req  the same bundle opening a NATS connection per call (NATS_BUS_MODE=per-request)
 * All gateways run side by side and the cells take turns (--rounds, median kept), so load from elsewhere on the
 * machine falls on every runtime alike. It measures and prints (and the two ratios the edge work aims at: Bun against Node, the Durable Object against a
 * connection per request); it does not assert.
 *
 *   npm run bench -- [--seconds 3] [--clients 1,16,64] [--load wrk|node]   (runs bench/mcp-throughput.ts first)
 *   tsx bench/edge-runtimes.ts [same options] [--only node,bun,deno,workerd] (this table only)
 */
import { parseArgs } from "node:util";
import { startGatewayOn } from "../test/support/edge-gateways.ts";
import { startEdgeStack } from "../test/support/edge-stack.ts";
import { waitForOk } from "../test/support/stack.ts";
import { startWorkerd } from "../test/support/workerd.ts";
import { treeCpuSeconds } from "./cpu.ts";
import { type LoadGenerator, type LoadResult, nodeGenerator, wrkGenerator } from "./load.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    clients: { type: "string", default: "1,16,64" },
    load: { type: "string" },
    only: { type: "string" },
    rounds: { type: "string", default: "3" },
  },
});
const rounds = Number(values.rounds);
// --only bun,workerd measures just the rows whose runtime name starts with one of these.
const only = values.only?.split(",").filter(Boolean);
const wanted = (path: string) => !only || only.some((o) => path.startsWith(o));
const seconds = Number(values.seconds);
const clientLevels = values.clients.split(",").map(Number);
if (
  !(seconds > 0) ||
  !(Number.isInteger(rounds) && rounds > 0) ||
  clientLevels.some((n) => !Number.isInteger(n) || n < 1)
) {
  console.error(
    "usage: bench/edge-runtimes.ts [--seconds S>0] [--clients 1,16,64] [--rounds N] [--load wrk|node] [--only node,bun,deno,workerd]",
  );
  process.exit(2);
}
const load: LoadGenerator = (values.load === "node" ? undefined : wrkGenerator()) ?? nodeGenerator();

interface Row extends LoadResult {
  path: string;
  clients: number;
  cpu: number;
}
const rows: Row[] = [];
const mcpHeaders = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const body = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "lookup_contract", arguments: { symbol: "AAPL" } },
});

/** Waits until a tools/call succeeds through `url` (deadline 30 s), then warms the runtime's JIT up. */
async function warm(url: string) {
  const until = Date.now() + 30_000;
  let last = "no answer";
  for (;;) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: mcpHeaders,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      if (res.status === 200 && text.includes('"structuredContent"')) break;
      last = `${res.status} ${text.slice(0, 500)}`;
    } catch (err) {
      last = String(err);
    }
    if (Date.now() > until)
      throw new Error(`no successful tools/call through ${url} within 30 s (last: ${last})`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await load.run([url], 16, 1, body);
}

interface Target {
  path: string;
  url: string;
  pid: number | undefined;
}

/** One cell; `cpu` is the gateway's CPU in % of one core, its child processes included (workerd's: the whole process, DO included). */
async function cell(t: Target, clients: number): Promise<Row> {
  const before = treeCpuSeconds(t.pid);
  const started = performance.now();
  const result = await load.run([t.url], clients, seconds, body);
  const wall = (performance.now() - started) / 1000;
  return { path: t.path, clients, ...result, cpu: (100 * (treeCpuSeconds(t.pid) - before)) / wall };
}

/**
 * Every gateway runs at once (idle ones cost nothing) and the cells take turns, round after round, so a burst of
 * load from elsewhere on the machine hits every runtime alike; each row is the round with the median throughput.
 */
async function measureAll(targets: Target[]) {
  for (const t of targets) await warm(t.url);
  for (const clients of clientLevels) {
    const cells = new Map<string, Row[]>(targets.map((t) => [t.path, []]));
    for (let round = 0; round < rounds; round++) {
      for (const t of targets) cells.get(t.path)?.push(await cell(t, clients));
    }
    for (const t of targets) {
      const sorted = (cells.get(t.path) ?? []).sort((x, y) => x.rps - y.rps);
      const median = sorted[Math.floor(sorted.length / 2)];
      if (median) rows.push(median);
    }
  }
}

// Every process started is stopped on the way out: a failure, Ctrl-C or a SIGTERM leaves nothing running.
const stops: Array<() => Promise<unknown>> = [];
async function stopAll() {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping every process the bench started`);
    void stopAll().finally(() => process.exit(130));
  });
}
try {
  const stack = await startEdgeStack("14");
  stops.push(stack.stop);
  const processes = [
    ["node, nats://", "node", stack.nats.url],
    ["node, ws://", "node", stack.wsUrl],
    ["bun, ws://", "bun", stack.wsUrl],
    ["bun, nats://", "bun", stack.nats.url],
    ["deno, ws://", "deno", stack.wsUrl],
    ["deno, nats://", "deno", stack.nats.url],
  ] as const;
  const targets: Target[] = [];
  for (const [path, runtime, natsUrl] of processes) {
    if (!wanted(path)) continue;
    const gw = await startGatewayOn(runtime, { NATS_URL: natsUrl, LOG_LEVEL: "warn" });
    stops.push(() => gw.cli.stop());
    await waitForOk(`${gw.base}/ready`, 30_000);
    targets.push({ path, url: `${gw.base}/mcp`, pid: gw.cli.proc.pid });
  }
  if (wanted("workerd")) {
    // the same generated workerd config as test/e2e-edge-runtimes.test.ts (test/support/workerd.ts)
    const env = { NATS_URL: stack.wsUrl, HOST: "127.0.0.1", LOG_LEVEL: "warn" };
    const workerd = await startWorkerd([
      { name: "durable", env, durableObject: true },
      { name: "perrequest", env: { ...env, NATS_BUS_MODE: "per-request" }, durableObject: false },
    ]);
    stops.push(workerd.stop);
    targets.push({ path: "workerd, DO", url: `${workerd.bases.durable}/mcp`, pid: workerd.pid });
    targets.push({ path: "workerd, per-req", url: `${workerd.bases.perrequest}/mcp`, pid: workerd.pid });
  }
  await measureAll(targets);
} catch (err) {
  await stopAll();
  console.error(err);
  process.exit(1);
}
await stopAll();

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "-");
console.log(
  `\nthe gateway on each runtime: tools/call lookup_contract (cached), ${seconds} s per cell, median of ${rounds} interleaved rounds`,
);
console.log(`load generator: ${load.name}\n`);
console.log(
  `${"runtime".padEnd(18)}${"clients".padStart(8)}${"req/s".padStart(10)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"errors".padStart(8)}${"gateway CPU %".padStart(15)}`,
);
for (const r of rows) {
  console.log(
    `${r.path.padEnd(18)}${String(r.clients).padStart(8)}${fmt(r.rps).padStart(10)}${fmt(r.p50, 2).padStart(9)}${fmt(r.p99, 2).padStart(9)}${String(r.errors).padStart(8)}${fmt(r.cpu).padStart(15)}`,
  );
}
const at = (path: string, clients: number) =>
  rows.find((r) => r.path === path && r.clients === clients)?.rps ?? Number.NaN;
console.log("");
const ratio = (a: string, b: string, clients: number) => `${fmt(at(a, clients) / at(b, clients), 2)}x`;
for (const clients of clientLevels) {
  console.log(
    `at ${String(clients).padStart(3)} clients: bun / node over ws:// ${ratio("bun, ws://", "node, ws://", clients)}, over nats:// ${ratio("bun, nats://", "node, nats://", clients)}, bun ws:// / node nats:// (its default) ${ratio("bun, ws://", "node, nats://", clients)}; workerd DO / per-request ${ratio("workerd, DO", "workerd, per-req", clients)}`,
  );
}
process.exit(0);
