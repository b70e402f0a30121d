/**
 * Validates compose/docker-compose.yml with Debian's docker-compose 1.29 (`config` needs no Docker engine) and checks
 * the resolved stack: services, profiles, replicas, healthchecks, pinned images, and that only loopback ports are
 * published. Needs `apt-get install -y docker-compose`.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import {
  type ComposeFile,
  type ComposeService,
  composeFile,
  envExampleFile,
  proxyConfigFile,
  serviceCommand,
  tradingFile,
} from "./compose-support.ts";

interface ComposeRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs docker-compose with a clean environment, so the caller's shell variables cannot leak into the result. */
function dockerCompose(args: string[]): Promise<ComposeRun> {
  return new Promise((resolve, reject) => {
    execFile(
      "docker-compose",
      args,
      { timeout: 20_000, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir() } },
      (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === "ENOENT") {
          reject(new Error("docker-compose is not installed: apt-get install -y docker-compose"));
          return;
        }
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const env = (s: ComposeService): Record<string, unknown> =>
  Array.isArray(s.environment) ? {} : (s.environment ?? {});

function service(stack: ComposeFile, name: string): ComposeService {
  const s = stack.services[name];
  assert.ok(s, `service ${name} is missing`);
  return s;
}

describe("compose/docker-compose.yml, as docker-compose 1.29 resolves it with .env.example", () => {
  let stack: ComposeFile;
  let tmp: string;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "ib-mcp-compose-"));
    const run = await dockerCompose(["-f", composeFile, "--env-file", envExampleFile, "config"]);
    assert.equal(run.code, 0, `docker-compose config failed:\n${run.stderr}`);
    assert.equal(run.stderr.trim(), "", "docker-compose config printed warnings");
    stack = parse(run.stdout) as ComposeFile;
  });

  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("has no top-level name (docker-compose 1.29 rejects it) and exactly the stack's services", () => {
    const raw = parse(readFileSync(composeFile, "utf8")) as Record<string, unknown>;
    assert.equal("name" in raw, false);
    assert.deepEqual(Object.keys(stack.services).sort(), [
      "connector-live",
      "connector-paper",
      "gateway",
      "ib-gateway",
      "mcp-proxy",
      "nats",
      "nats-box",
      "nats-ops",
      "sim",
    ]);
  });

  it("puts the optional parts behind profiles and the core always on", () => {
    const profiles = Object.fromEntries(
      Object.entries(stack.services).map(([name, s]) => [name, s.profiles ?? []]),
    );
    assert.deepEqual(profiles, {
      "connector-live": ["live"],
      "connector-paper": [],
      gateway: [],
      "ib-gateway": ["ib-gateway"],
      "mcp-proxy": [],
      nats: [],
      "nats-box": ["debug"],
      "nats-ops": ["ops"],
      sim: ["sim"],
    });
  });

  it("runs two gateway replicas with a /ready healthcheck and no host port", () => {
    const gw = service(stack, "gateway");
    assert.equal(gw.deploy?.replicas, 2);
    assert.match(JSON.stringify(gw.healthcheck?.test), /\/ready/);
    assert.match(JSON.stringify(gw.healthcheck?.test), new RegExp(`:${String(env(gw).PORT)}/ready`));
    assert.equal(gw.ports, undefined);
    assert.equal(env(gw).HOST, "0.0.0.0");
    assert.ok(
      String(env(gw).MCP_AUTH_TOKENS).length >= 32,
      "the gateway listens beyond loopback: needs a token",
    );
  });

  it("gives every long-running service a restart policy", () => {
    for (const [name, s] of Object.entries(stack.services)) {
      if (name === "nats-box" || name === "nats-ops") continue; // one-off `run --rm` tools
      assert.ok(s.restart === "unless-stopped" || s.restart === "always", `${name}: restart=${s.restart}`);
    }
  });

  it("gives our processes longer than their own shutdown deadlines (gateway 15 s) before Docker kills them", () => {
    for (const [name, s] of Object.entries(stack.services)) {
      if (!s.build) continue;
      const grace = /^(\d+)s$/.exec(String(s.stop_grace_period))?.[1];
      assert.ok(grace && Number(grace) > 15, `${name}: stop_grace_period=${s.stop_grace_period}`);
    }
  });

  it("pins every image to a version tag", () => {
    for (const [name, s] of Object.entries(stack.services)) {
      assert.ok(s.image, `${name} has no image`);
      if (s.build) continue; // built from this repository
      const tag = s.image.split(":")[1] ?? "";
      assert.match(tag, /\d/, `${name}: ${s.image} is not pinned to a version`);
    }
    assert.match(service(stack, "ib-gateway").image ?? "", /^ghcr\.io\/gnzsnz\/ib-gateway:\d+\.\d+/);
    assert.match(service(stack, "mcp-proxy").image ?? "", /^ghcr\.io\/tbxark\/mcp-proxy:v\d+\.\d+\.\d+$/);
  });

  it("keeps the IB API ports on the compose network: ib-gateway publishes nothing", () => {
    const ib = service(stack, "ib-gateway");
    assert.equal(ib.ports, undefined);
    assert.deepEqual((ib.expose ?? []).map(String).sort(), ["4003", "4004"]);
    const e = env(ib);
    for (const key of ["TRADING_MODE", "TWS_USERID", "TWS_PASSWORD", "TWS_PASSWORD_FILE", "READ_ONLY_API"])
      assert.ok(key in e, `ib-gateway misses ${key}`);
    assert.equal(e.TWOFA_TIMEOUT_ACTION, "restart");
  });

  it("publishes only the proxy and NATS, both on loopback", () => {
    const published = Object.entries(stack.services).flatMap(([name, s]) =>
      (s.ports ?? []).map((p) => `${name} ${String(p)}`),
    );
    assert.deepEqual(published.sort(), [
      "mcp-proxy 127.0.0.1:9090:9090/tcp",
      "nats 127.0.0.1:4222:4222/tcp",
      "nats 127.0.0.1:8080:8080/tcp",
    ]);
  });

  it("points the connectors at ib-gateway's paper (4004) and live (4003) ports", () => {
    const paper = env(service(stack, "connector-paper"));
    const live = env(service(stack, "connector-live"));
    assert.deepEqual([paper.TRADING_MODE, paper.IB_HOST, paper.IB_PORT], ["paper", "ib-gateway", "4004"]);
    assert.deepEqual([live.TRADING_MODE, live.IB_HOST, live.IB_PORT], ["live", "ib-gateway", "4003"]);
  });

  it("lets the simulator stand in for ib-gateway: same network name, the paper port", () => {
    const sim = service(stack, "sim");
    const nets = sim.networks as Record<string, { aliases?: string[] }>;
    assert.deepEqual(nets.default?.aliases, ["ib-gateway"]);
    const cmd = serviceCommand(sim);
    assert.equal(cmd[0], "sim");
    assert.equal(cmd[cmd.indexOf("--port") + 1], "4004");
    assert.equal(cmd[cmd.indexOf("--host") + 1], "0.0.0.0");
  });

  it("gives each service its own NATS user, with the password nats.conf expects and its own reply inbox", () => {
    const nats = env(service(stack, "nats"));
    const users: Record<string, [string, string]> = {
      gateway: ["gateway", "NATS_GATEWAY_PASSWORD"],
      "connector-paper": ["connector_paper", "NATS_CONNECTOR_PAPER_PASSWORD"],
      "connector-live": ["connector_live", "NATS_CONNECTOR_LIVE_PASSWORD"],
      "nats-box": ["debug", "NATS_DEBUG_PASSWORD"],
      "nats-ops": ["ops", "NATS_OPS_PASSWORD"],
    };
    for (const [name, [user, passwordVar]] of Object.entries(users)) {
      const e = env(service(stack, name));
      assert.equal(e.NATS_URL, "nats://nats:4222", name);
      assert.equal(e.NATS_USER, user, name);
      assert.equal(e.NATS_PASSWORD, nats[passwordVar], `${name} NATS_PASSWORD != nats ${passwordVar}`);
      // ib-mcp defaults to _INBOX_<NATS_USER>; the NATS CLI is told on its command line
      assert.equal(e.NATS_INBOX_PREFIX, undefined, name);
    }
    for (const [name, user] of [
      ["nats-box", "debug"],
      ["nats-ops", "ops"],
    ] as const)
      assert.deepEqual(service(stack, name).entrypoint, ["nats", "--inbox-prefix", `_INBOX_${user}`], name);
    const passwords = Object.values(nats).map(String);
    assert.equal(new Set(passwords).size, passwords.length, "every NATS user has its own password");
    assert.equal(env(service(stack, "gateway")).MCP_ENABLE_TRADING, "false", "the gateways are read-only");
  });

  it("trading.yml turns the gateways into trading gateways: order tools and the NATS user allowed them, together", async () => {
    const run = await dockerCompose([
      "-f",
      composeFile,
      "-f",
      tradingFile,
      "--env-file",
      envExampleFile,
      "config",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const trading = parse(run.stdout) as ComposeFile;
    const gw = env(service(trading, "gateway"));
    assert.equal(gw.MCP_ENABLE_TRADING, "true");
    assert.equal(gw.NATS_USER, "gateway_trading");
    assert.equal(gw.NATS_PASSWORD, env(service(trading, "nats")).NATS_GATEWAY_TRADING_PASSWORD);
    assert.deepEqual(Object.keys(trading.services).sort(), Object.keys(stack.services).sort());
  });

  it("starts NATS with the repo's nats.conf and a persistent JetStream store, and waits for it", () => {
    const nats = service(stack, "nats");
    const cmd = serviceCommand(nats);
    const confPath = cmd[cmd.indexOf("--config") + 1];
    const storeDir = cmd[cmd.indexOf("--store_dir") + 1];
    const mounts = (nats.volumes ?? []).map(String);
    assert.ok(
      mounts.some((m) => m.endsWith(`compose/nats/nats.conf:${confPath}:ro`)),
      `nats.conf not mounted at ${confPath}: ${mounts.join(", ")}`,
    );
    assert.ok(
      mounts.some((m) => m === `nats-data:${storeDir}:rw`),
      `no volume at ${storeDir}`,
    );
    assert.match(JSON.stringify(nats.healthcheck?.test), /healthz/);
    for (const name of ["gateway", "connector-paper", "connector-live"]) {
      const deps = service(stack, name).depends_on as Record<string, { condition?: string }>;
      assert.equal(deps.nats?.condition, "service_healthy", name);
    }
  });

  it("serves the gateway through the proxy at /ib/mcp on :9090, with the gateway's token", () => {
    const proxy = service(stack, "mcp-proxy");
    const mounts = (proxy.volumes ?? []).map(String);
    assert.ok(mounts.some((m) => m.endsWith("compose/mcp-proxy/config.json:/config/config.json:ro")));
    assert.deepEqual(serviceCommand(proxy), ["--config", "/config/config.json"]);
    const deps = proxy.depends_on as Record<string, { condition?: string }>;
    assert.equal(deps.gateway?.condition, "service_started");

    const config = JSON.parse(readFileSync(proxyConfigFile, "utf8")) as {
      mcpProxy: { addr: string; type: string; options: { authTokens: string[] } };
      mcpServers: Record<string, { transportType: string; url: string; headers: Record<string, string> }>;
    };
    assert.equal(config.mcpProxy.type, "streamable-http");
    assert.equal(config.mcpProxy.addr, ":9090");
    assert.deepEqual(Object.keys(config.mcpServers), ["ib"]);
    const ib = config.mcpServers.ib;
    assert.equal(ib?.transportType, "streamable-http");
    const gwPort = String(env(service(stack, "gateway")).PORT);
    assert.equal(ib?.url, `http://gateway:${gwPort}/mcp`);
    // The proxy expands ${VAR} from its own environment: both variables must reach it.
    const ref = (name: string) => `\${${name}}`;
    assert.equal(ib?.headers.Authorization, `Bearer ${ref("MCP_AUTH_TOKENS")}`);
    assert.deepEqual(config.mcpProxy.options.authTokens, [ref("MCP_PROXY_AUTH_TOKEN")]);
    assert.equal(env(proxy).MCP_AUTH_TOKENS, env(service(stack, "gateway")).MCP_AUTH_TOKENS);
    assert.ok(String(env(proxy).MCP_PROXY_AUTH_TOKEN).length >= 32);
  });

  it("refuses to resolve when a secret is missing, naming the variable", async () => {
    const partial = join(tmp, "missing-token.env");
    const lines = readFileSync(envExampleFile, "utf8")
      .split("\n")
      .filter((l) => !l.startsWith("MCP_AUTH_TOKENS="));
    writeFileSync(partial, lines.join("\n"));
    const run = await dockerCompose(["-f", composeFile, "--env-file", partial, "config"]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /set MCP_AUTH_TOKENS in compose\/\.env/);
  });

  it("is also valid in --compatibility mode, the way docker-compose 1.29 honours deploy.replicas", async () => {
    const run = await dockerCompose([
      "--compatibility",
      "-f",
      composeFile,
      "--env-file",
      envExampleFile,
      "config",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const compat = parse(run.stdout) as ComposeFile;
    assert.equal(service(compat, "gateway").deploy?.replicas, 2);
  });
});
