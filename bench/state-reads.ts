/**
 * Account and position reads at one client: answered from the session state (connector/ib/state/) against the
 * request path (the same connector with the state off, asking IB on every read), both through the connector's
 * dispatcher (validation, handler, output) against the simulator on loopback, one call after another.
 * Open orders are kept in state only by IB's Master API client: the state connector is one (the simulator's
 * --master-client-id), and another client rests a few orders first so both paths return rows.
 * Prints a table and exits 1 when a read from state is not at least 10 times faster than the request.
 *
 *   npx tsx bench/state-reads.ts [--calls 200]
 */
import { parseArgs } from "node:util";
import { pino } from "pino";
import type { ConnectorHandle } from "../connector/connector.ts";
import { startConnector } from "../connector/connector.ts";
import { ConnectorEnv, parseEnv } from "../shared/config.ts";
import { type Simulator, startSimulator } from "../sim/index.ts";
import { connectApi, restBuy } from "../sim/testing/clients.ts";

const { values } = parseArgs({ options: { calls: { type: "string", default: "200" } }, strict: false });
const calls = Number(values.calls);
if (!Number.isInteger(calls) || calls < 1) {
  console.error("usage: bench/state-reads.ts [--calls N>0]");
  process.exit(2);
}

const READS: Array<[string, Record<string, unknown>]> = [
  ["get_account_summary", {}],
  ["get_positions", {}],
  ["get_portfolio", {}],
  ["get_account_values", {}],
  ["get_pnl", { include_positions: false }],
  ["get_executions", {}],
  ["get_open_orders", {}],
];
const MASTER_CLIENT_ID = 1;
const RESTING_ORDERS = 3;
const MIN_SPEEDUP = 10;

async function connector(port: number, clientId: number, sessionState: boolean): Promise<ConnectorHandle> {
  const env = parseEnv(ConnectorEnv, {
    IB_HOST: "127.0.0.1",
    IB_PORT: String(port),
    IB_CLIENT_ID: String(clientId),
    IB_MASTER_API_CLIENT: String(clientId === MASTER_CLIENT_ID),
    LOG_LEVEL: "silent",
  });
  const c = await startConnector(env, { logger: pino({ level: "silent" }), sessionState });
  await c.ready(10_000);
  return c;
}

/** Mean and median microseconds of `calls` sequential calls, after a few to warm up. */
async function measure(
  c: ConnectorHandle,
  tool: string,
  args: unknown,
): Promise<{ mean: number; p50: number }> {
  const once = () => c.dispatcher(tool, args, { requestId: "bench", timeoutMs: 10_000 });
  for (let i = 0; i < 5; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    await once();
    times.push(Number(process.hrtime.bigint() - t0) / 1_000);
  }
  times.sort((a, b) => a - b);
  return { mean: times.reduce((s, t) => s + t, 0) / times.length, p50: times[Math.floor(times.length / 2)]! };
}

/** Another API client rests buys far below the market, so get_open_orders has rows to return. */
async function restOrders(on: Simulator): Promise<() => void> {
  const trader = await connectApi(on, 77);
  for (let id = 1; id <= RESTING_ORDERS; id++) await restBuy(trader, id);
  return () => trader.disconnect();
}

const sim = await startSimulator({ port: 0, masterClientId: MASTER_CLIENT_ID });
const fromState = await connector(sim.port, MASTER_CLIENT_ID, true);
const fromRequests = await connector(sim.port, 2, false);
const stopTrader = await restOrders(sim);
const rows: Array<Record<string, string>> = [];
let slow = false;
try {
  for (const [tool, args] of READS) {
    const req = await measure(fromRequests, tool, args);
    const state = await measure(fromState, tool, args);
    const speedup = req.mean / state.mean;
    if (speedup < MIN_SPEEDUP) slow = true;
    rows.push({
      read: tool,
      "request µs (mean/p50)": `${req.mean.toFixed(0)} / ${req.p50.toFixed(0)}`,
      "state µs (mean/p50)": `${state.mean.toFixed(1)} / ${state.p50.toFixed(1)}`,
      speedup: `${speedup.toFixed(0)}×`,
    });
  }
} finally {
  stopTrader();
  await Promise.all([fromState.close(), fromRequests.close()]);
  await sim.close();
}
console.log(
  `account and position reads at one client, ${calls} sequential calls each (simulator on loopback)`,
);
console.table(rows);
if (slow) {
  console.error(`a read from state was less than ${MIN_SPEEDUP}× faster than the request path`);
  process.exit(1);
}
