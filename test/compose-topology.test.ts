/**
 * The topology of compose/docker-compose.yml as native processes: nats-server with compose/nats/nats.conf, the
 * simulator, connector-paper and two gateways, each with the environment compose would give it from .env.example
 * (only host names and ports change, as a container network would change them), driven by the MCP SDK client.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { PermissionViolationError } from "@nats-io/nats-core";
import { connect as natsConnect } from "@nats-io/transport-node";
import {
  type ComposeService,
  envExampleFile,
  natsConfFile,
  principalsFile,
  proxyConfigFile,
  readComposeFile,
  readEnvFile,
  serviceCommand,
  serviceEnvironment,
} from "./compose-support.ts";
import { freePort } from "./support/free-port.ts";
import { type NatsServerHandle, startNatsServer } from "./support/nats-server.ts";
import { type CliProcess, spawnCli } from "./support/spawn-cli.ts";
import { mcpClient, waitForOk } from "./support/stack.ts";

const vars = readEnvFile(envExampleFile);
const stack = readComposeFile();
const AAPL_CON_ID = 265598;

function service(name: string): ComposeService {
  const s = stack.services[name];
  assert.ok(s, `compose has no service ${name}`);
  return s;
}

/** Starts a compose service's command the way the image's entrypoint does (cli/main.ts through tsx). */
function startRole(args: string[], env: Record<string, string>): CliProcess {
  const [command, ...rest] = args;
  assert.ok(command, "a service without a command");
  return spawnCli(command, rest, env);
}

/** POSTs tools/list with an explicit Host header (fetch does not let a caller set Host). */
function postToolsList(port: number, host: string): Promise<{ status: number; body: string }> {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/mcp",
        timeout: 10_000,
        headers: {
          Host: host,
          Authorization: `Bearer ${vars.MCP_AUTH_TOKENS}`,
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          "Content-Length": Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from 127.0.0.1:${port} within 10 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

describe("the compose topology as native processes, configured from .env.example", () => {
  let nats: NatsServerHandle;
  const roles: CliProcess[] = [];
  const gatewayPorts: number[] = [];
  const clients: Client[] = [];

  before(async () => {
    // nats.conf reads every user's password from the server's environment, as in the compose service
    for (const key of Object.keys(serviceEnvironment(service("nats"), vars))) process.env[key] = vars[key];
    // the WebSocket listener on a free port: other tests may run beside this one
    process.env.NATS_WEBSOCKET_PORT = String(await freePort());
    nats = await startNatsServer({ args: ["-c", natsConfFile, "-m", String(await freePort())] });

    // sim: the compose command with the container's 0.0.0.0:4004 turned into a free loopback port.
    const simArgs = serviceCommand(service("sim")).map((a) =>
      a === "0.0.0.0" ? "127.0.0.1" : a === "4004" ? "0" : a,
    );
    const sim = startRole(simArgs, {});
    roles.push(sim);
    const simPort = Number((await sim.waitFor(/listening on 127\.0\.0\.1:(\d+)/, 20_000))[1]);

    const network = (env: Record<string, string>): Record<string, string> => ({
      ...env,
      ...(env.NATS_URL ? { NATS_URL: nats.url } : {}),
      ...(env.IB_HOST ? { IB_HOST: "127.0.0.1", IB_PORT: String(simPort) } : {}),
      // the file the containers mount, at its place in the repository
      ...(env.MCP_PRINCIPALS_FILE ? { MCP_PRINCIPALS_FILE: principalsFile } : {}),
    });
    const connector = service("connector-paper");
    roles.push(startRole(serviceCommand(connector), network(serviceEnvironment(connector, vars))));

    const gateway = service("gateway");
    assert.equal(gateway.deploy?.replicas, 2);
    for (let i = 1; i <= 2; i++) {
      const port = await freePort();
      gatewayPorts.push(port);
      const env = network(serviceEnvironment(gateway, vars));
      roles.push(
        startRole(serviceCommand(gateway), {
          ...env,
          HOST: "127.0.0.1",
          PORT: String(port),
          // The container is called as gateway:48012; here it is also 127.0.0.1:<port>.
          MCP_ALLOWED_HOSTS: `${env.MCP_ALLOWED_HOSTS},127.0.0.1:${port}`,
        }),
      );
    }
    try {
      for (const port of gatewayPorts) await waitForOk(`http://127.0.0.1:${port}/ready`, 25_000);
    } catch (err) {
      const logs = roles.map(
        (r) => `--- ${r.proc.spawnargs.slice(3).join(" ")}\n${r.output().slice(-3_000)}`,
      );
      throw new Error(`${(err as Error).message}\n${logs.join("\n")}`);
    }
  });

  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await Promise.all(roles.map((r) => r.stop()));
    await nats?.stop();
  });

  async function connectTo(port: number, token: string | undefined): Promise<Client> {
    const client = await mcpClient(
      `http://127.0.0.1:${port}/mcp`,
      token ? { Authorization: `Bearer ${token}` } : {},
    );
    clients.push(client);
    return client;
  }

  it("serves tools/list and lookup_contract through each gateway replica", async () => {
    const token = vars.MCP_AUTH_TOKENS;
    assert.ok(token, ".env.example has no MCP_AUTH_TOKENS");
    for (const port of gatewayPorts) {
      const client = await connectTo(port, token);
      const { tools } = await client.listTools();
      assert.ok(
        tools.some((t) => t.name === "lookup_contract"),
        `no lookup_contract in ${tools.map((t) => t.name)}`,
      );
      const result = await client.callTool({ name: "lookup_contract", arguments: { symbol: "AAPL" } });
      assert.notEqual(result.isError, true, JSON.stringify(result.content));
      const out = result.structuredContent as { symbol: string; contracts: { conId: number }[] };
      assert.equal(out.symbol, "AAPL");
      assert.ok(
        out.contracts.some((c) => c.conId === AAPL_CON_ID),
        `AAPL conId ${AAPL_CON_ID} missing: ${JSON.stringify(out)}`,
      );
    }
  });

  it("accepts the Host header the proxy sends (its config's upstream URL) and refuses others", async () => {
    const proxyConfig = JSON.parse(readFileSync(proxyConfigFile, "utf8")) as {
      mcpServers: { ib: { url: string } };
    };
    const proxyHost = new URL(proxyConfig.mcpServers.ib.url).host;
    for (const port of gatewayPorts) {
      const asProxy = await postToolsList(port, proxyHost);
      assert.equal(asProxy.status, 200, asProxy.body);
      assert.match(asProxy.body, /lookup_contract/);
      const rebound = await postToolsList(port, "attacker.example:48012");
      assert.equal(rebound.status, 403, rebound.body);
    }
  });

  it("lets the ops CLI throw the kill switch on the real connector, and not the debug CLI", async () => {
    /** A NATS connection as the CLI service `name` logs in: its user, password and --inbox-prefix. */
    const cliLogin = (name: string) => {
      const s = service(name);
      const e = serviceEnvironment(s, vars);
      const entry = (s.entrypoint ?? []) as string[];
      return natsConnect({
        servers: nats.url,
        user: e.NATS_USER,
        pass: e.NATS_PASSWORD,
        inboxPrefix: entry[entry.indexOf("--inbox-prefix") + 1],
      });
    };
    const ops = await cliLogin("nats-ops");
    const debug = await cliLogin("nats-box");
    try {
      const reply = await ops.request("ib.paper.admin.kill_switch", '{"on":true}', { timeout: 5_000 });
      assert.equal(reply.json<{ on: boolean }>().on, true, reply.string());
      const lifted = await ops.request("ib.paper.admin.kill_switch", '{"on":false}', { timeout: 5_000 });
      assert.equal(lifted.json<{ on: boolean }>().on, false, lifted.string());
      await assert.rejects(
        debug.request("ib.paper.admin.kill_switch", '{"on":false}', { timeout: 5_000 }),
        (err: Error) => err.cause instanceof PermissionViolationError,
      );
      const read = await debug.request("ib.paper.get_connection_status", "{}", { timeout: 5_000 });
      assert.equal(read.json<{ mode: string }>().mode, "paper");
    } finally {
      await ops.close();
      await debug.close();
    }
  });

  it("turns away a client without the token of .env.example", async () => {
    for (const port of gatewayPorts) {
      await assert.rejects(connectTo(port, undefined), /401|unauthori[sz]ed/i);
      await assert.rejects(connectTo(port, `${vars.MCP_AUTH_TOKENS}-wrong`), /401|unauthori[sz]ed/i);
    }
  });
});
