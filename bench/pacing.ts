/**
 * Pacing benchmark: a burst of historical requests over many contracts from concurrent clients, through the
 * real connector dispatcher (pacer, @stoqey/ib, one IB session) to the simulator with a shortened time scale.
 * Prints pacing violations (must be 0), the total time against the minimum IB's rules allow, and the wait
 * percentiles. It measures; it does not assert.
 *
 *   npm run bench:pacing -- [--requests 200] [--clients 16] [--time-scale 0.01]
 *
 * BENCH_DEBUG=1 prints each failed call and the simulator's warnings; IB_MAX_MESSAGES_PER_SEC is passed on.
 */
import { parseArgs } from "node:util";
import { pino } from "pino";
import { startConnector } from "../connector/connector.ts";
import { ibPacingLimits } from "../connector/pacing/index.ts";
import { ConnectorEnv, parseEnv } from "../shared/config.ts";
import { toIbMcpError } from "../shared/errors.ts";
import { startSimulator } from "../sim/index.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "200" },
    clients: { type: "string", default: "16" },
    "time-scale": { type: "string", default: "0.01" },
  },
});
const requests = Number(values.requests);
const clients = Number(values.clients);
const timeScale = Number(values["time-scale"]);
if (
  !(Number.isInteger(requests) && requests > 0 && Number.isInteger(clients) && clients > 0 && timeScale > 0)
) {
  console.error("usage: bench/pacing.ts [--requests N>0] [--clients N>0] [--time-scale S>0]");
  process.exit(2);
}

// Many contracts: every symbol × data type is its own "contract, exchange and tick type"; the duration makes
// each request distinct, so nothing is answered from the identical-request cache.
const symbols = ["AAPL", "MSFT", "NVDA", "IBM", "TSLA", "AMZN", "GOOGL", "META", "SPY", "QQQ", "IWM"];
const dataTypes = ["TRADES", "MIDPOINT", "BID", "ASK"] as const;
const combos = symbols.length * dataTypes.length;
const mix = Array.from({ length: requests }, (_, i) => ({
  symbol: symbols[i % symbols.length]!,
  data_type: dataTypes[Math.floor(i / symbols.length) % dataTypes.length]!,
  duration: `${1 + Math.floor(i / combos)} M`,
  bar_size: "1 day",
  max_bars: 1,
}));

const sim = await startSimulator({
  port: 0,
  timeScale,
  log: (level, msg) => {
    if (process.env.BENCH_DEBUG && level !== "info") console.error(`sim ${level}: ${msg}`);
  },
});
const env = parseEnv(ConnectorEnv, {
  TRADING_MODE: "paper",
  IB_HOST: "127.0.0.1",
  IB_PORT: String(sim.port),
  LOG_LEVEL: "silent",
  IB_MAX_MESSAGES_PER_SEC: process.env.IB_MAX_MESSAGES_PER_SEC,
});
const connector = await startConnector(env, {
  pacingTimeScale: timeScale,
  logger: pino({ level: "silent" }),
});

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : Number.NaN;

try {
  await connector.ready(10_000);
  sim.resetStats();
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  const start = performance.now();
  const timeoutMs = 600_000 * timeScale * (Math.ceil(requests / 60) + 1) + 30_000;
  // Each client fires its share at once: the burst is every request in flight together.
  await Promise.all(
    Array.from({ length: clients }, (_, c) =>
      Promise.all(
        mix
          .filter((_, i) => i % clients === c)
          .map(async (args, i) => {
            const t = performance.now();
            try {
              await connector.dispatcher("get_historical_data", args, {
                requestId: `bench-${c}-${i}`,
                timeoutMs,
              });
              latencies.push(performance.now() - t);
            } catch (err) {
              const code = toIbMcpError(err).code;
              if (process.env.BENCH_DEBUG) console.error(`${code}: ${toIbMcpError(err).message}`);
              failures.set(code, (failures.get(code) ?? 0) + 1);
            }
          }),
      ),
    ),
  );
  const total = performance.now() - start;
  const stats = sim.stats();

  // The minimum IB's rules allow for this mix: the 10-minute budget admits `limit` requests per window, so
  // the last batch can start no earlier than floor((N-1)/limit) windows in; it then needs (r-1)/50 s more
  // at IB's 50 messages/s, which alone needs (N-1)/50 s. The per-contract rule is looser for this mix.
  const { limit, windowMs } = ibPacingLimits.historical;
  const window = windowMs * timeScale;
  const fullWindows = Math.floor((requests - 1) / limit);
  const lastBatch = requests - fullWindows * limit;
  const perContract = Math.ceil(requests / combos);
  const sameContract = ibPacingLimits.historicalSameContract;
  const contractBound =
    Math.floor((perContract - 1) / sameContract.limit) * sameContract.windowMs * timeScale;
  const perMessage = 1_000 / 50;
  const theoretical = Math.max(
    fullWindows * window + (lastBatch - 1) * perMessage,
    (requests - 1) * perMessage,
    contractBound,
  );
  // The waits an ideal scheduler would give: request k (in arrival order) starts at its window plus its
  // place in the 50 messages/s stream.
  const idealWaits = Array.from({ length: requests }, (_, k) =>
    Math.max(Math.floor(k / limit) * window + (k % limit) * perMessage, k * perMessage),
  ).sort((a, b) => a - b);
  latencies.sort((a, b) => a - b);

  const violations = (stats.errorsSent["162"] ?? 0) + (stats.errorsSent["420"] ?? 0);
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const rows: Array<[string, string]> = [
    ["requests / clients / time scale", `${requests} / ${clients} / ${timeScale}`],
    ["contracts (symbol × data type)", `${combos}, at most ${perContract} requests each`],
    ["10-minute window (scaled)", ms(window)],
    ["client message rate (IB_MAX_MESSAGES_PER_SEC)", `${env.IB_MAX_MESSAGES_PER_SEC} /s`],
    ["pacing violations (162/420)", String(violations)],
    ["IB requests received by the simulator", String(stats.requests.reqHistoricalData ?? 0)],
    ["failed calls", failures.size ? [...failures].map(([k, v]) => `${k}: ${v}`).join(", ") : "0"],
    ["total time", ms(total)],
    ["theoretical minimum", ms(theoretical)],
    ["total / minimum", `${((total / theoretical - 1) * 100).toFixed(1)} % over`],
    [
      "p50 / p99 wait (call to answer)",
      `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))}`,
    ],
    [
      "p50 / p99 wait, ideal schedule",
      `${ms(percentile(idealWaits, 50))} / ${ms(percentile(idealWaits, 99))}`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log("\nib-mcp pacing benchmark (real connector dispatcher → IB Gateway simulator)\n");
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log();
} finally {
  await connector.close();
  await sim.close();
}
