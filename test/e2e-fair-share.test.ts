/**
 * Principals at the connector, end to end: a real nats-server, the simulator (time scale 0.01, open market clock)
 * and the real connector (its pacer on the same scale), called over NATS with the X-Principal header as a gateway
 * sends it, by separate NATS clients per principal. Quotas refuse with RATE_LIMITED; a light principal is served
 * while another floods; order audit lines name the principal. The SIGHUP reload runs against a connector process.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { pino } from "pino";
import { type ConnectorHandle, startConnector } from "../connector/connector.ts";
import { ConnectorEnv, parseEnv } from "../shared/config.ts";
import { IbMcpError } from "../shared/errors.ts";
import { type Simulator, startSimulator } from "../sim/index.ts";
import { openMarket } from "../sim/testing/open-market.ts";
import { callAs } from "./support/call-as.ts";
import { type NatsServerHandle, startNatsServer } from "./support/nats-server.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";

const SECRET = "e2e-fair-share-secret-0123456789abcdef";
const SCALE = 0.01;
const PRINCIPALS = `
principals:
  - { name: research, scopes: [read], quotas: { calls_per_minute: 3, historical_per_10min: 2 } }
  - { name: flood, scopes: [read] }
  - { name: light, scopes: [read] }
  - { name: trader, scopes: [read, trade] }
defaults: { weight: 1, quotas: { calls_per_minute: 2 } }
`;

const hist = (symbol: string, duration: string, data_type = "TRADES") => ({
  symbol,
  duration,
  data_type,
  bar_size: "1 day",
  max_bars: 1,
});

async function refusal(p: Promise<unknown>): Promise<IbMcpError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof IbMcpError, String(err));
    return err;
  }
  assert.fail("the call was not refused");
}

describe("principals at the connector: quotas, fair share, audit", { timeout: 90_000 }, () => {
  let dir: string;
  let nats: NatsServerHandle;
  let sim: Simulator;
  let connector: ConnectorHandle;
  const conns: NatsConnection[] = [];
  let auditPath: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ibmcp-e2e-fair-"));
    auditPath = join(dir, "audit.jsonl");
    await writeFile(join(dir, "principals.yaml"), PRINCIPALS);
    nats = await startNatsServer();
    sim = await startSimulator({ port: 0, timeScale: SCALE, market: openMarket() });
    const env = parseEnv(ConnectorEnv, {
      NATS_URL: nats.url,
      IB_HOST: "127.0.0.1",
      IB_PORT: String(sim.port),
      IB_CLIENT_ID: "31",
      TRADING_MODE: "paper",
      IB_READONLY: "false",
      ORDER_TOKEN_SECRET: SECRET,
      AUDIT_LOG_PATH: auditPath,
      MCP_PRINCIPALS_FILE: join(dir, "principals.yaml"),
      LOG_LEVEL: "silent",
    });
    const nc = await connect({ servers: nats.url });
    conns.push(nc);
    connector = await startConnector(env, {
      nc,
      pacingTimeScale: SCALE,
      historyTtlMs: 15_000 * SCALE,
      logger: pino({ level: "silent" }),
    });
    await connector.ready(15_000);
    for (let i = 0; i < 3; i++) conns.push(await connect({ servers: nats.url }));
    // the service registers once the lease is taken
    for (let i = 0; ; i++) {
      try {
        await callAs(conns[1]!, "paper", "get_connection_status", {}, "light", 2_000);
        break;
      } catch (err) {
        if (i > 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });

  after(async () => {
    await connector?.close();
    for (const c of conns) await c.close().catch(() => undefined);
    await sim?.close();
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses beyond a principal's quotas with RATE_LIMITED naming the quota, sends nothing to IB, and spares the others", async () => {
    const research = conns[1]!;
    const other = conns[2]!;
    await callAs(research, "paper", "get_historical_data", hist("IBM", "1 M"), "research");
    await callAs(research, "paper", "get_historical_data", hist("IBM", "2 M"), "research");
    const before = sim.stats().requests;
    const third = await refusal(
      callAs(research, "paper", "get_historical_data", hist("IBM", "3 M"), "research"),
    );
    assert.equal(third.code, "RATE_LIMITED");
    assert.match(
      third.message,
      /principal "research".*2 historical requests per 10 min.*historical_per_10min/,
    );
    assert.ok((third.retryAfterMs ?? 0) > 0, "retryAfterMs says when it frees");
    const fourth = await refusal(callAs(research, "paper", "lookup_contract", { symbol: "IBM" }, "research"));
    assert.equal(fourth.code, "RATE_LIMITED");
    assert.match(fourth.message, /principal "research".*3 calls per minute.*calls_per_minute/);
    assert.ok((fourth.retryAfterMs ?? 0) > 0 && (fourth.retryAfterMs ?? 0) <= 60_000);
    const afterRefusals = sim.stats().requests;
    assert.equal(
      afterRefusals.reqHistoricalData,
      before.reqHistoricalData,
      "no historical request reached IB",
    );
    assert.equal(afterRefusals.reqContractDetails, before.reqContractDetails, "nothing else either");
    // another principal is untouched by research's quota; an unlisted one gets the file's defaults
    await callAs(other, "paper", "get_historical_data", hist("IBM", "3 M"), "light");
    await callAs(other, "paper", "get_historical_data", hist("IBM", "4 M"), "token-7");
    await callAs(other, "paper", "lookup_contract", { symbol: "IBM" }, "token-7");
    const unlisted = await refusal(callAs(other, "paper", "lookup_contract", { symbol: "IBM" }, "token-7"));
    assert.match(unlisted.message, /principal "token-7".*2 calls per minute/);
  });

  it("serves a light principal while another floods IB's historical budget", async () => {
    const flood = conns[2]!;
    const light = conns[3]!;
    // past the previous test's requests: a fresh 10-minute window (6 s at this scale)
    await new Promise((r) => setTimeout(r, 6_200));
    const symbols = ["AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "GOOGL", "META", "SPY", "QQQ"];
    const types = ["TRADES", "MIDPOINT", "BID", "ASK"];
    let answered = 0;
    const floodCalls = Array.from({ length: 180 }, (_, i) =>
      callAs(
        flood,
        "paper",
        "get_historical_data",
        hist(symbols[i % 9]!, `${1 + Math.floor(i / 36)} W`, types[Math.floor(i / 9) % 4]),
        "flood",
        60_000,
      ).then(() => answered++),
    );
    await new Promise((r) => setTimeout(r, 300));
    await callAs(light, "paper", "get_historical_data", hist("IWM", "9 D"), "light", 60_000);
    const floodLeft = 180 - answered;
    // one queue would have served the light request after the flood's 180 (three windows); fair queuing serves
    // it at the next free slot, while a window's worth of the flood still waits
    assert.ok(floodLeft >= 50, `light was served with ${floodLeft} flood requests still waiting`);
    await Promise.all(floodCalls);
    const stats = sim.stats();
    assert.equal((stats.errorsSent["162"] ?? 0) + (stats.errorsSent["420"] ?? 0), 0, "no pacing violation");
    const srv = await conns[1]!.request("$SRV.STATS.ib-connector", "", { timeout: 5_000 });
    // the stats handler's data rides on every endpoint of $SRV.STATS
    type Data = {
      pacing?: { byPrincipal?: Record<string, { granted: number }> };
      quotaRefusals?: Record<string, Record<string, number>>;
    };
    const data = srv.json<{ endpoints?: Array<{ data?: Data }> }>().endpoints?.[0]?.data;
    const pacing = data?.pacing?.byPrincipal ?? {};
    assert.deepEqual(data?.quotaRefusals?.research, { historical_per_10min: 1, calls_per_minute: 1 });
    assert.ok((pacing.flood?.granted ?? 0) >= 180, JSON.stringify(pacing));
    assert.ok((pacing.light?.granted ?? 0) >= 1);
    assert.ok((pacing.other?.granted ?? 0) >= 1, "unlisted principals (token-7) share one label");
    const known = ["research", "flood", "light", "trader", "anonymous", "other"];
    assert.ok(
      Object.keys(pacing).every((k) => known.includes(k)),
      Object.keys(pacing).join(","),
    );
  });

  it("writes the principal on the audit lines of an order it placed", async () => {
    const trader = conns[1]!;
    const preview = (await callAs(
      trader,
      "paper",
      "preview_order",
      { symbol: "AAPL", side: "BUY", quantity: 1, order_type: "MKT", client_info: "fair-share e2e" },
      "trader",
    )) as { token: string };
    await callAs(
      trader,
      "paper",
      "place_order",
      { token: preview.token, client_info: "fair-share e2e" },
      "trader",
    );
    const lines = (await readFile(auditPath, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; principal?: string; clientInfo?: string });
    const events = lines.filter((l) => l.principal === "trader").map((l) => l.event);
    assert.ok(
      events.includes("preview") && events.includes("intent") && events.includes("place"),
      events.join(","),
    );
    assert.ok(
      lines.every((l) => typeof l.principal === "string"),
      "every line names a principal",
    );
    assert.ok(lines.some((l) => l.event === "place" && l.clientInfo === "fair-share e2e"));
  });
});

describe("a connector process re-reads MCP_PRINCIPALS_FILE on SIGHUP", { timeout: 60_000 }, () => {
  let dir: string;
  let nats: NatsServerHandle;
  let sim: Simulator;
  let proc: CliProcess;
  let nc: NatsConnection;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ibmcp-e2e-reload-"));
    await writeFile(
      join(dir, "p.yaml"),
      "principals:\n  - { name: bot, scopes: [read], quotas: { calls_per_minute: 1 } }\n",
    );
    nats = await startNatsServer();
    sim = await startSimulator({ port: 0, timeScale: SCALE });
    proc = spawnCli("connector", [], {
      NATS_URL: nats.url,
      IB_HOST: "127.0.0.1",
      IB_PORT: String(sim.port),
      IB_CLIENT_ID: "32",
      MCP_PRINCIPALS_FILE: join(dir, "p.yaml"),
      LOG_LEVEL: "info",
    });
    nc = await connect({ servers: nats.url });
    for (let i = 0; ; i++) {
      try {
        await callAs(nc, "paper", "get_connection_status", {}, "someone", 2_000);
        break;
      } catch (err) {
        if (i > 100) throw new Error(`connector not serving: ${String(err)}\n${proc.output()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });

  after(async () => {
    await nc?.close();
    await proc?.stop();
    await sim?.close();
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("applies a new quota after SIGHUP, and keeps the old file when the new one is invalid", async () => {
    await callAs(nc, "paper", "lookup_contract", { symbol: "AAPL" }, "bot");
    const refused = await refusal(callAs(nc, "paper", "lookup_contract", { symbol: "AAPL" }, "bot"));
    assert.match(refused.message, /1 calls per minute/);

    await writeFile(
      join(dir, "p.yaml"),
      "principals:\n  - { name: bot, scopes: [read], quotas: { calls_per_minute: 3 } }\n",
    );
    proc.proc.kill("SIGHUP");
    await proc.waitFor(/MCP_PRINCIPALS_FILE reloaded/, 10_000);
    await callAs(nc, "paper", "lookup_contract", { symbol: "AAPL" }, "bot");
    await callAs(nc, "paper", "lookup_contract", { symbol: "AAPL" }, "bot");

    await writeFile(join(dir, "p.yaml"), "principals: [ { name: bot, scopes: [read], weight: -1 } ]\n");
    proc.proc.kill("SIGHUP");
    await proc.waitFor(/MCP_PRINCIPALS_FILE not reloaded/, 10_000);
    const still = await refusal(callAs(nc, "paper", "lookup_contract", { symbol: "AAPL" }, "bot"));
    assert.match(still.message, /3 calls per minute/, "the previous file is still in force");
  });
});
