import { connect } from "@nats-io/transport-node";
import { type NatsServerHandle, startNatsServer } from "./nats-server.ts";
import { type CliProcess, spawnCli } from "./spawn-cli.ts";
import { spawnSim } from "./stack.ts";

/** What the edge runtimes' gateways reach: nats-server with TCP and WebSocket listeners, a connector, the sim. */
export interface EdgeStack {
  nats: NatsServerHandle;
  /** ws://127.0.0.1:PORT, the WebSocket listener the edge gateways use. */
  wsUrl: string;
  connector: CliProcess;
  /** Stops the connector, the simulator and nats-server (whichever started). */
  stop(): Promise<void>;
}

/** Resolves once the paper connector answers over NATS (deadline `timeoutMs`). */
async function connectorAnswers(natsUrl: string, timeoutMs: number): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const ok = await nc
        .request("ib.paper.get_connection_status", "{}", { timeout: 1_000 })
        .then(() => true)
        .catch(() => false);
      if (ok) return;
      if (Date.now() > until) throw new Error(`the connector did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await nc.close();
  }
}

/**
 * nats-server (WebSocket listener on), the simulator and a paper connector on TCP (it runs next to IB Gateway;
 * only the gateway moves to the edge), resolved once the connector answers (deadline 30 s). The test of the edge
 * runtimes and their bench both start it, so both measure the same thing. On failure it stops what it started.
 */
export async function startEdgeStack(clientId: string): Promise<EdgeStack> {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    const nats = await startNatsServer({ websocket: true });
    stops.push(() => nats.stop());
    const sim = await spawnSim();
    stops.push(() => sim.cli.stop());
    const connector = spawnCli("connector", [], {
      NATS_URL: nats.url,
      IB_HOST: "127.0.0.1",
      IB_PORT: String(sim.port),
      IB_CLIENT_ID: clientId,
      TRADING_MODE: "paper",
    });
    stops.push(() => connector.stop());
    await connectorAnswers(nats.url, 30_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${connector.output()}`);
    });
    return { nats, wsUrl: nats.wsUrl ?? "", connector, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
