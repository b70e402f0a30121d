/**
 * compose/nats/nats.conf, run for real: the Debian nats-server with that file and the passwords of .env.example.
 * The gateway user may only send tool requests and ping the connector service; the connector user may serve tools
 * and $SRV and keep its lease in the ib_mcp_leases KV bucket; the debug user may call and read, not write.
 * Permission violations reach nats.js v3 as `{ type: "error" }` status events (and close a denied subscription).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm, KvWatchInclude } from "@nats-io/kv";
import { type NatsConnection, PermissionViolationError } from "@nats-io/nats-core";
import { Svcm } from "@nats-io/services";
import { connect } from "@nats-io/transport-node";
import { envExampleFile, natsConfFile, readEnvFile } from "./compose-support.ts";
import { freePort } from "./support/free-port.ts";
import { type NatsServerHandle, startNatsServer } from "./support/nats-server.ts";

const vars = readEnvFile(envExampleFile);
const BUCKET = "ib_mcp_leases";

interface Client {
  nc: NatsConnection;
  /** Permission violations the server reported on this connection so far. */
  violations: PermissionViolationError[];
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

/** Resolves with the first violation on `subject`, or fails after `ms`. */
async function violationOn(client: Client, subject: string, ms = 3_000): Promise<PermissionViolationError> {
  const until = Date.now() + ms;
  for (;;) {
    const found = client.violations.find((v) => v.subject === subject);
    if (found) return found;
    if (Date.now() > until) throw new Error(`no permission violation on ${subject} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("compose/nats/nats.conf permissions", () => {
  let server: NatsServerHandle;
  const clients: Client[] = [];

  async function login(user: "gateway" | "connector" | "debug"): Promise<Client> {
    const password = vars[`NATS_${user.toUpperCase()}_PASSWORD`];
    assert.ok(password, `.env.example has no NATS_${user.toUpperCase()}_PASSWORD`);
    const nc = await connect({
      servers: server.url,
      user,
      pass: password,
      name: `test-${user}`,
      timeout: 5_000,
    });
    const client: Client = { nc, violations: [] };
    void (async () => {
      for await (const s of nc.status())
        if (s.type === "error" && s.error instanceof PermissionViolationError)
          client.violations.push(s.error);
    })();
    clients.push(client);
    return client;
  }

  before(async () => {
    // nats.conf reads the passwords from the server's environment, as in the compose service.
    for (const key of ["NATS_GATEWAY_PASSWORD", "NATS_CONNECTOR_PASSWORD", "NATS_DEBUG_PASSWORD"])
      process.env[key] = vars[key];
    process.env.NATS_WEBSOCKET_PORT = String(await freePort());
    const monitorPort = await freePort();
    server = await startNatsServer({ args: ["-c", natsConfFile, "-m", String(monitorPort)] });
  });

  after(async () => {
    for (const c of clients) await c.nc.close().catch(() => undefined);
    await server?.stop();
  });

  it("rejects a wrong password", async () => {
    await assert.rejects(
      connect({ servers: server.url, user: "gateway", pass: "not-the-password", timeout: 5_000 }),
      (err: Error) => /authorization/i.test(`${err.message} ${String(err.cause ?? "")}`),
    );
  });

  it("lets the connector keep its lease in the KV bucket", async () => {
    const connector = await login("connector");
    const kv = await new Kvm(connector.nc).create(BUCKET, { ttl: 10_000, history: 1 });
    assert.equal((await kv.status()).ttl, 10_000);
    const rev = await kv.create("paper", new TextEncoder().encode("connector-a"));
    // A standby watches the key (an ordered consumer on the bucket's stream) to take over when it is deleted.
    const watch = await kv.watch({ key: "paper", include: KvWatchInclude.UpdatesOnly });
    const seen = (async () => {
      for await (const e of watch) return e.revision;
    })();
    const renewed = await kv.update("paper", new TextEncoder().encode("connector-a"), rev);
    assert.ok(renewed > rev);
    assert.equal(await withDeadline(seen, 3_000, "the watcher"), renewed);
    watch.stop();
    const gone = await kv.put("gone", new TextEncoder().encode("x"));
    await kv.delete("gone", { previousSeq: gone });
    assert.equal(await kv.get("gone").then((e) => e?.operation), "DEL");
    await assert.rejects(kv.create("paper", new TextEncoder().encode("connector-b")), "the key is taken");
    assert.equal((await kv.get("paper"))?.string(), "connector-a");
    await kv.put("live", new TextEncoder().encode("connector-c"));
    await connector.nc.flush();
    assert.deepEqual(connector.violations, []);
  });

  it("lets the connector serve ib.paper.* and $SRV, and the gateway call and ping it", async () => {
    const connector = await login("connector");
    const gateway = await login("gateway");
    const service = await new Svcm(connector.nc).add({
      name: "ib-connector",
      version: "0.1.0",
      metadata: { mode: "paper" },
    });
    service.addGroup("ib.paper").addEndpoint("lookup_contract", {
      handler: (err, msg) => {
        if (err) return;
        msg.respond(JSON.stringify({ echo: msg.json() }));
      },
    });
    await connector.nc.flush();

    const reply = await gateway.nc.request("ib.paper.lookup_contract", JSON.stringify({ symbol: "AAPL" }), {
      timeout: 3_000,
    });
    assert.deepEqual(reply.json(), { echo: { symbol: "AAPL" } });

    const pings = await new Svcm(gateway.nc)
      .client({ strategy: "timer", maxWait: 1_000 })
      .ping("ib-connector");
    const ids: string[] = [];
    for await (const p of pings) ids.push(p.id);
    assert.deepEqual(ids, [service.info().id]);

    await gateway.nc.flush();
    assert.deepEqual(gateway.violations, []);
    assert.deepEqual(connector.violations, []);
    await service.stop();
  });

  it("does not let the gateway listen on tool subjects", async () => {
    const gateway = await login("gateway");
    const sub = gateway.nc.subscribe("ib.>");
    const closed = await withDeadline(sub.closed, 3_000, "the denied subscription");
    assert.ok(closed instanceof PermissionViolationError);
    assert.equal(closed.operation, "subscription");
    assert.equal((await violationOn(gateway, "ib.>")).operation, "subscription");
  });

  it("does not let the gateway use JetStream", async () => {
    const gateway = await login("gateway");
    gateway.nc.publish("$JS.API.STREAM.CREATE.KV_ib_mcp_leases", "{}");
    gateway.nc.publish(`$KV.${BUCKET}.paper`, "stolen");
    await gateway.nc.flush();
    assert.equal((await violationOn(gateway, "$JS.API.STREAM.CREATE.KV_ib_mcp_leases")).operation, "publish");
    assert.equal((await violationOn(gateway, `$KV.${BUCKET}.paper`)).operation, "publish");
    await assert.rejects(withDeadline(jetstreamManager(gateway.nc, { timeout: 1_000 }), 5_000, "jsm"));
  });

  it("confines the connector's JetStream use to the lease bucket", async () => {
    const connector = await login("connector");
    connector.nc.publish("$JS.API.STREAM.CREATE.OTHER", "{}");
    connector.nc.publish("ib.paper.lookup_contract", "{}");
    await connector.nc.flush();
    assert.equal((await violationOn(connector, "$JS.API.STREAM.CREATE.OTHER")).operation, "publish");
    assert.equal((await violationOn(connector, "ib.paper.lookup_contract")).operation, "publish");
  });

  it("lets the debug user discover the service and read the lease, not write it", async () => {
    const connector = await login("connector");
    const service = await new Svcm(connector.nc).add({ name: "ib-connector", version: "0.1.0" });
    const lease = await new Kvm(connector.nc).create(BUCKET, { ttl: 10_000, history: 1 });
    await lease.put("live", new TextEncoder().encode("connector-d"));
    await connector.nc.flush();
    const debug = await login("debug");

    const infos = await new Svcm(debug.nc).client({ strategy: "timer", maxWait: 1_000 }).info("ib-connector");
    const names: string[] = [];
    for await (const i of infos) names.push(i.name);
    assert.deepEqual(names, ["ib-connector"]);

    const kv = await new Kvm(debug.nc).open(BUCKET);
    assert.equal((await kv.get("live"))?.string(), "connector-d");
    debug.nc.publish(`$KV.${BUCKET}.paper`, "debug-was-here");
    await debug.nc.flush();
    assert.equal((await violationOn(debug, `$KV.${BUCKET}.paper`)).operation, "publish");
    await service.stop();
  });

  it("lets the connector keep its order journal, the debug user throw the kill switch, and not the gateway", async () => {
    const connector = await login("connector");
    const journal = await new Kvm(connector.nc).create("ib-mcp-orders-paper", { ttl: 60_000, history: 1 });
    await journal.put("ibmcp-0123456789abcdef", new TextEncoder().encode('{"orderId":7,"childOrderIds":[]}'));
    assert.equal((await journal.get("ibmcp-0123456789abcdef"))?.json<{ orderId: number }>().orderId, 7);
    const sub = connector.nc.subscribe("ib.paper.admin.kill_switch", {
      callback: (_err, msg) => {
        msg.respond('{"on":true}');
      },
    });
    await connector.nc.flush();
    const debug = await login("debug");
    const reply = await debug.nc.request("ib.paper.admin.kill_switch", '{"on":true}', { timeout: 2_000 });
    assert.equal(reply.json<{ on: boolean }>().on, true);
    const gateway = await login("gateway");
    gateway.nc.publish("ib.paper.admin.kill_switch", '{"on":false}');
    await gateway.nc.flush();
    assert.equal((await violationOn(gateway, "ib.paper.admin.kill_switch")).operation, "publish");
    sub.unsubscribe();
  });
});
