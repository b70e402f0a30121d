/**
 * compose/trading.yml as native processes: nats-server with compose/nats/nats.conf, the simulator, connector-paper
 * (trading switched on) and one gateway with the environment docker-compose.yml + trading.yml give it from
 * .env.example. The order path works end to end with the per-role users (gateway_trading sends the order subjects,
 * connector_paper keeps its journal and risk state), and the read-only gateway of the same stack does not serve it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { parse } from "yaml";
import { OPEN_CLOCK_ARGS } from "../sim/testing/open-market.ts";
import {
  type ComposeService,
  envExampleFile,
  natsConfFile,
  principalsFile,
  readComposeFile,
  readEnvFile,
  serviceCommand,
  serviceEnvironment,
  tradingFile,
} from "./compose-support.ts";
import { freePort } from "./support/free-port.ts";
import { type NatsServerHandle, startNatsServer } from "./support/nats-server.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { mcpClient, spawnSim, textOf, waitForOk } from "./support/stack.ts";

type ToolResult = { isError?: boolean; structuredContent?: Record<string, unknown> };
const vars = readEnvFile(envExampleFile);
const stack = readComposeFile();
const trading = parse(readFileSync(tradingFile, "utf8")) as { services: Record<string, ComposeService> };

function service(name: string): ComposeService {
  const s = stack.services[name];
  assert.ok(s, `compose has no service ${name}`);
  return s;
}

describe("compose with trading.yml: the order path through the per-role NATS users", {
  timeout: 120_000,
}, () => {
  let nats: NatsServerHandle;
  let dir: string;
  const roles: CliProcess[] = [];
  const clients: Client[] = [];
  let tradingPort: number;
  let readOnlyPort: number;

  const connectTo = async (port: number) => {
    const client = await mcpClient(`http://127.0.0.1:${port}/mcp`, {
      Authorization: `Bearer ${vars.MCP_AUTH_TOKENS}`,
    });
    clients.push(client);
    return client;
  };
  const call = async (client: Client, name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ib-mcp-compose-trading-"));
    for (const key of Object.keys(serviceEnvironment(service("nats"), vars))) process.env[key] = vars[key];
    // the WebSocket listener on a free port: other tests may run beside this one
    process.env.NATS_WEBSOCKET_PORT = String(await freePort());
    nats = await startNatsServer({ args: ["-c", natsConfFile, "-m", String(await freePort())] });
    const sim = await spawnSim(OPEN_CLOCK_ARGS);
    roles.push(sim.cli);
    // the NATS server of this test, and the principals file the containers mount, at its place in the repository
    const network = { NATS_URL: nats.url, MCP_PRINCIPALS_FILE: principalsFile };

    // .env.example with the connector side of trading switched on (README "Trading")
    const tradingVars = {
      ...vars,
      IB_READONLY: "false",
      ORDER_TOKEN_SECRET: "compose-trading-0123456789abcdef0123",
    };
    const connector = service("connector-paper");
    const [cmd, ...args] = serviceCommand(connector);
    roles.push(
      spawnCli(cmd as string, args, {
        ...serviceEnvironment(connector, tradingVars),
        ...network,
        IB_HOST: "127.0.0.1",
        IB_PORT: String(sim.port),
        AUDIT_LOG_PATH: join(dir, "paper.jsonl"),
      }),
    );

    const gateway = service("gateway");
    const startGateway = async (env: Record<string, string>) => {
      const port = await freePort();
      const [gwCmd, ...gwArgs] = serviceCommand(gateway);
      roles.push(
        spawnCli(gwCmd as string, gwArgs, {
          ...env,
          ...network,
          HOST: "127.0.0.1",
          PORT: String(port),
          MCP_ALLOWED_HOSTS: `127.0.0.1:${port}`,
        }),
      );
      return port;
    };
    const base = serviceEnvironment(gateway, tradingVars);
    const override = serviceEnvironment(trading.services.gateway as ComposeService, tradingVars);
    tradingPort = await startGateway({ ...base, ...override });
    readOnlyPort = await startGateway(base);
    for (const port of [tradingPort, readOnlyPort]) await waitForOk(`http://127.0.0.1:${port}/ready`, 30_000);
  });

  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await Promise.all(roles.map((r) => r.stop()));
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the trading gateway previews, places and cancels an order", async () => {
    const client = await connectTo(tradingPort);
    const quote = await call(client, "get_quote", { symbols: ["AAPL"] });
    const last = ((quote.structuredContent?.quotes ?? []) as Array<{ last?: number }>)[0]?.last;
    assert.ok(last, textOf(quote));
    const preview = await call(client, "preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      order_type: "LMT",
      limit_price: Math.round(last * 0.97 * 100) / 100,
    });
    assert.notEqual(preview.isError, true, textOf(preview));
    const placed = await call(client, "place_order", { token: preview.structuredContent?.token });
    assert.notEqual(placed.isError, true, textOf(placed));
    const cancelled = await call(client, "cancel_order", { order_id: placed.structuredContent?.order_id });
    assert.notEqual(cancelled.isError, true, textOf(cancelled));
    const lines = readFileSync(join(dir, "paper.jsonl"), "utf8");
    assert.match(lines, /"event":"place"/);
    assert.match(lines, /"event":"cancel"/);
  });

  it("the read-only gateway of the same stack neither lists nor serves the order tools", async () => {
    const client = await connectTo(readOnlyPort);
    const { tools } = await client.listTools();
    assert.ok(!tools.some((t) => t.name === "place_order"));
    assert.ok(tools.some((t) => t.name === "get_positions"));
    const r = await call(client, "get_positions", {});
    assert.notEqual(r.isError, true, textOf(r));
  });
});
