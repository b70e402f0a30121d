import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { jetstream } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { pino } from "pino";
import { type NatsCluster, startNatsCluster } from "../../test/support/nats-cluster.ts";
import { type NatsServerHandle, startNatsServer } from "../../test/support/nats-server.ts";
import { openBucket } from "./open-bucket.ts";

/** A pino logger whose records land in `lines`. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "debug" }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { lines, logger };
}

describe("openBucket on a three-node cluster", () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;

  before(async () => {
    cluster = await startNatsCluster();
    nc = await connect({ servers: cluster.urls().split(",") });
  });
  after(async () => {
    await nc?.close();
    await cluster?.stop();
  });

  it("creates a missing bucket with the replicas asked, TTL included", async () => {
    const kv = await openBucket(nc, "ob_new", { replicas: 3, ttlMs: 5_000, timeoutMs: 5_000 });
    const st = await kv.status();
    assert.equal(st.replicas, 3);
    assert.equal(st.ttl, 5_000);
  });

  it("raises an existing R1 bucket to the replicas asked, keeping its values", async () => {
    const old = await new Kvm(jetstream(nc)).create("ob_old", { replicas: 1, history: 1 });
    await old.put("k", "v");
    const { lines, logger } = capture();
    const kv = await openBucket(nc, "ob_old", { replicas: 3, timeoutMs: 5_000, logger });
    assert.equal((await kv.status()).replicas, 3);
    assert.equal((await kv.get("k"))?.string(), "v");
    assert.ok(
      lines.some((l) => /raised/.test(String(l.msg))),
      JSON.stringify(lines),
    );
  });

  it("is idempotent: opening again changes nothing and says nothing", async () => {
    const { lines, logger } = capture();
    const kv = await openBucket(nc, "ob_new", { replicas: 3, ttlMs: 5_000, timeoutMs: 5_000, logger });
    assert.equal((await kv.status()).replicas, 3);
    assert.deepEqual(lines, []);
  });
});

describe("openBucket on a lone nats-server", () => {
  let server: NatsServerHandle;
  let nc: NatsConnection;
  let limited: NatsConnection;
  const dir = mkdtempSync(join(tmpdir(), "ib-mcp-ob-"));

  before(async () => {
    // as compose/nats/nats.conf: a connector user may create its buckets but not edit them
    const conf = join(dir, "nats.conf");
    writeFileSync(
      conf,
      `authorization { users: [
        { user: admin, password: a }
        { user: connector, password: c, permissions: { publish: { deny: ["$JS.API.STREAM.UPDATE.>"] } } }
      ] }`,
    );
    server = await startNatsServer({ args: ["-c", conf] });
    nc = await connect({ servers: server.url, user: "admin", pass: "a" });
    limited = await connect({ servers: server.url, user: "connector", pass: "c" });
  });
  after(async () => {
    await limited?.close();
    await nc?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses replicas 3 with an error naming NATS_JS_REPLICAS", async () => {
    await assert.rejects(
      openBucket(nc, "ob_lone", { replicas: 3, timeoutMs: 5_000 }),
      /NATS_JS_REPLICAS=3.*lone nats-server takes only 1/,
    );
  });

  it("an R1 bucket the user may not raise is used as it is, and the log names the command to run", async () => {
    await openBucket(nc, "ob_lone1", { replicas: 1, timeoutMs: 5_000 });
    const { lines, logger } = capture();
    const kv = await openBucket(limited, "ob_lone1", { replicas: 3, timeoutMs: 1_000, logger });
    await kv.put("k", "v");
    assert.equal((await kv.status()).replicas, 1);
    const warn = lines.find((l) => l.level === 40);
    assert.match(String(warn?.msg), /nats stream edit KV_ob_lone1 --replicas 3 --force/);
  });
});
