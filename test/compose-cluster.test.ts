/**
 * compose/cluster.yml over compose/docker-compose.yml, as docker-compose 1.29 resolves it: three NATS nodes routed
 * to each other, every client given all three, the connectors' buckets with three replicas and a lease that
 * outlives a JetStream leader election.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { before, describe, it } from "node:test";
import { parse } from "yaml";
import {
  type ComposeFile,
  type ComposeService,
  composeDir,
  composeFile,
  envExampleFile,
} from "./compose-support.ts";

const clusterFile = `${composeDir}cluster.yml`;

function config(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "docker-compose",
      ["-f", composeFile, "-f", clusterFile, "--env-file", envExampleFile, ...args, "config"],
      { timeout: 20_000, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir() } },
      (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }),
    );
  });
}

const env = (s: ComposeService | undefined) =>
  (Array.isArray(s?.environment) ? {} : (s?.environment ?? {})) as Record<string, unknown>;
const command = (s: ComposeService | undefined) => (Array.isArray(s?.command) ? s.command : []);
const arg = (s: ComposeService | undefined, flag: string) => {
  const c = command(s);
  return c[c.indexOf(flag) + 1];
};

describe("the cluster profile (compose/cluster.yml)", () => {
  let stack: ComposeFile;

  before(async () => {
    const run = await config(["--profile", "cluster"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr.trim(), "", "docker-compose config printed warnings");
    stack = parse(run.stdout) as ComposeFile;
  });

  it("runs three NATS nodes, each named, in one cluster, routed to the two others", () => {
    const nodes = { nats: "nats-1", "nats-2": "nats-2", "nats-3": "nats-3" };
    for (const [service, name] of Object.entries(nodes)) {
      const s = stack.services[service];
      assert.equal(arg(s, "--name"), name, service);
      assert.equal(arg(s, "--cluster_name"), "ib-mcp", service);
      assert.equal(arg(s, "--config"), "/etc/nats/ib-mcp.conf", `${service}: the same users and permissions`);
      const routes = String(arg(s, "--routes")).split(",");
      const others = Object.keys(nodes).filter((o) => o !== service);
      assert.deepEqual(routes.sort(), others.map((o) => `nats://${o}:6222`).sort(), service);
      assert.equal(
        s?.ports?.some((p) => String(p).includes("6222")) ?? false,
        false,
        "routes never published",
      );
    }
  });

  it("gives every client all three servers, connectors pinned to different first nodes", () => {
    for (const name of ["connector-paper", "connector-live", "gateway", "nats-box", "nats-ops"]) {
      const urls = String(env(stack.services[name]).NATS_URL).split(",");
      assert.deepEqual(
        [...urls].sort(),
        ["nats://nats-2:4222", "nats://nats-3:4222", "nats://nats:4222"],
        name,
      );
    }
    const first = (n: string) => String(env(stack.services[n]).NATS_URL).split(",")[0];
    assert.notEqual(first("connector-paper"), first("connector-live"));
  });

  it("asks for three replicas of every bucket and a lease TTL above a leader election", () => {
    for (const name of ["connector-paper", "connector-live"]) {
      const e = env(stack.services[name]);
      assert.equal(e.NATS_JS_REPLICAS, "3", name);
      assert.equal(e.NATS_NO_RANDOMIZE, "true", name);
      assert.ok(Number(e.LEASE_TTL_MS) >= 15_000, `${name}: LEASE_TTL_MS=${e.LEASE_TTL_MS}`);
    }
  });

  it("the connectors wait for all three nodes, so the cluster starts even without --profile", async () => {
    for (const name of ["connector-paper", "connector-live"]) {
      const deps = stack.services[name]?.depends_on as Record<string, { condition?: string }>;
      for (const n of ["nats", "nats-2", "nats-3"])
        assert.equal(deps[n]?.condition, "service_healthy", `${name} → ${n}`);
    }
    const without = await config([]);
    assert.equal(without.code, 0, without.stderr);
  });
});
