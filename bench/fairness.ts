/**
 * Fairness benchmark: one principal floods the connector with distinct historical requests while another sends a
 * few spaced ones, through real processes' paths: NATS request/reply with the X-Principal header (as a gateway
 * sends it) → real nats-server → the real connector (pacer, @stoqey/ib, one IB session) → the simulator at a
 * shortened time scale (the connector's pacer takes the same scale). Three phases: the light principal alone;
 * with the flood, each as its own principal (fair queuing); and with the flood sent as one shared principal
 * (arrival order, what the pacer did before it queued per principal). It measures; it does not assert.
 *
 *   npm run bench:fairness -- [--flood 300] [--light 10] [--spacing-ms 2500] [--time-scale 0.01]
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { connect } from "@nats-io/transport-node";
import { pino } from "pino";
import { startConnector } from "../connector/connector.ts";
import { ibPacingLimits } from "../connector/pacing/index.ts";
import { ConnectorEnv, parseEnv } from "../shared/config.ts";
import { toIbMcpError } from "../shared/errors.ts";
import { startSimulator } from "../sim/index.ts";
import { callAs } from "../test/support/call-as.ts";
import { startNatsServer } from "../test/support/nats-server.ts";

const { values } = parseArgs({
  options: {
    flood: { type: "string", default: "300" },
    light: { type: "string", default: "10" },
    "spacing-ms": { type: "string", default: "2500" },
    "time-scale": { type: "string", default: "0.01" },
  },
});
const floodN = Number(values.flood);
const lightN = Number(values.light);
const spacingMs = Number(values["spacing-ms"]);
const timeScale = Number(values["time-scale"]);
if (![floodN, lightN].every((v) => Number.isInteger(v) && v > 0) || !(spacingMs >= 0) || !(timeScale > 0)) {
  console.error(
    "usage: bench/fairness.ts [--flood N>0] [--light N>0] [--spacing-ms MS>=0] [--time-scale S>0]",
  );
  process.exit(2);
}

const symbols = ["AAPL", "MSFT", "NVDA", "IBM", "TSLA", "AMZN", "GOOGL", "META", "SPY", "QQQ", "IWM"];
const dataTypes = ["TRADES", "MIDPOINT", "BID", "ASK"] as const;
const combos = symbols.length * dataTypes.length;
/** Distinct requests: every symbol × data type is its own contract for IB's 2-second rule; `offset` keeps phases apart. */
const historical = (i: number, unit: "M" | "W" | "D", offset: number) => ({
  symbol: symbols[i % symbols.length]!,
  data_type: dataTypes[Math.floor(i / symbols.length) % dataTypes.length]!,
  duration: `${1 + offset + Math.floor(i / combos)} ${unit}`,
  bar_size: "1 day",
  max_bars: 1,
});

const window = ibPacingLimits.historical.windowMs * timeScale;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
    : Number.NaN;
};
/** IB's minimum for n historical requests sent at once: full 10-minute windows, then the last batch at 50 messages/s. */
const minimumFor = (n: number) => {
  const full = Math.floor((n - 1) / ibPacingLimits.historical.limit);
  return full * window + (n - full * ibPacingLimits.historical.limit - 1) * 20;
};

const dir = await mkdtemp(join(tmpdir(), "ibmcp-bench-fairness-"));
const principalsFile = join(dir, "principals.yaml");
await writeFile(
  principalsFile,
  "principals:\n  - { name: flood, scopes: [read], weight: 1 }\n  - { name: light, scopes: [read], weight: 1 }\n",
);
const nats = await startNatsServer();
const sim = await startSimulator({ port: 0, timeScale, log: () => undefined });
const nc = await connect({ servers: nats.url });
const floodNc = await connect({ servers: nats.url });
const lightNc = await connect({ servers: nats.url });
const env = parseEnv(ConnectorEnv, {
  TRADING_MODE: "paper",
  IB_HOST: "127.0.0.1",
  IB_PORT: String(sim.port),
  LOG_LEVEL: "silent",
  NATS_URL: nats.url,
  MCP_PRINCIPALS_FILE: principalsFile,
});
const connector = await startConnector(env, {
  nc,
  pacingTimeScale: timeScale,
  historyTtlMs: 15_000 * timeScale,
  logger: pino({ level: "silent" }),
});

const failures = new Map<string, number>();
const timeoutMs = window * (Math.ceil((floodN + lightN) / 60) + 2) + 30_000;

/** One call; its wait (call to answer) in ms, or undefined when it failed. */
async function timed(
  conn: typeof nc,
  principal: string | undefined,
  args: unknown,
): Promise<number | undefined> {
  const t = performance.now();
  try {
    await callAs(conn, "paper", "get_historical_data", args, principal, timeoutMs);
    return performance.now() - t;
  } catch (err) {
    const code = toIbMcpError(err).code;
    failures.set(code, (failures.get(code) ?? 0) + 1);
    return undefined;
  }
}

async function lightRun(principal: string | undefined, offset: number): Promise<number[]> {
  const waits: Array<Promise<number | undefined>> = [];
  for (let i = 0; i < lightN; i++) {
    // after the flood's first burst, then spaced across it
    await sleep(i === 0 ? 200 : spacingMs);
    waits.push(timed(lightNc, principal, historical(i, "D", offset)));
  }
  return (await Promise.all(waits)).filter((w): w is number => w !== undefined);
}

async function floodRun(principal: string | undefined, unit: "M" | "W"): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from({ length: floodN }, (_, i) => timed(floodNc, principal, historical(i, unit, 0))),
  );
  return performance.now() - start;
}

try {
  await connector.ready(10_000);
  await callAs(lightNc, "paper", "get_connection_status", {}, "light");
  sim.resetStats();
  const alone = await lightRun("light", 10);
  await sleep(window + 500);
  const [fair, fairFlood] = await Promise.all([lightRun("light", 40), floodRun("flood", "M")]);
  await sleep(window + 500);
  // the same load as one principal: arrival order, as the pacer served everyone before it queued per principal
  const [shared, sharedFlood] = await Promise.all([lightRun(undefined, 70), floodRun(undefined, "W")]);
  const stats = sim.stats();
  const violations = (stats.errorsSent["162"] ?? 0) + (stats.errorsSent["420"] ?? 0);

  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const waits = (w: number[]) => `${ms(percentile(w, 50))} / ${ms(percentile(w, 95))} (${w.length} answered)`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const over = (v: number, min: number) => `${((v / min - 1) * 100).toFixed(1)} % over`;
  const min300 = minimumFor(floodN);
  const minAll = minimumFor(floodN + lightN);
  const rows: Array<[string, string]> = [
    ["flood / light requests, light spacing", `${floodN} / ${lightN}, ${spacingMs} ms`],
    ["time scale, 10-minute window (scaled)", `${timeScale}, ${ms(window)}`],
    ["light p50 / p95 wait, alone", waits(alone)],
    ["light p50 / p95 wait, with the flood (fair)", waits(fair)],
    ["light p50 / p95 wait, with the flood (one queue)", waits(shared)],
    ["light median with flood / alone (fair)", ratio(percentile(fair, 50), percentile(alone, 50))],
    [
      "flood finish (fair)",
      `${ms(fairFlood)}: ${over(fairFlood, min300)} ${floodN}, ${over(fairFlood, minAll)} ${floodN + lightN}`,
    ],
    ["flood finish (one queue)", `${ms(sharedFlood)}: ${over(sharedFlood, min300)} ${floodN}`],
    [`IB's minimum for ${floodN} / ${floodN + lightN} historical requests`, `${ms(min300)} / ${ms(minAll)}`],
    ["pacing violations (162/420)", String(violations)],
    ["IB historical requests received by the simulator", String(stats.requests.reqHistoricalData ?? 0)],
    ["failed calls", failures.size ? [...failures].map(([k, v]) => `${k}: ${v}`).join(", ") : "0"],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(
    "\nib-mcp fairness benchmark (NATS with X-Principal → real connector → IB Gateway simulator)\n",
  );
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log();
} finally {
  await connector.close().catch(() => undefined);
  for (const c of [floodNc, lightNc, nc]) await c.close().catch(() => undefined);
  await sim.close().catch(() => undefined);
  await nats.stop().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
