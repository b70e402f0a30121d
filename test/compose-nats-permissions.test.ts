/**
 * compose/nats/nats.conf, run for real: the Debian nats-server with that file and the passwords of .env.example.
 * One user per role, each allowed only what the role needs: the read-only gateway sends read tools and _ping, the
 * trading gateway also the order tools, each connector serves and stores only its own mode, debug reads and never
 * trades, ops may also throw the kill switch; and every user reads only its own replies (_INBOX_<user>).
 * Permission violations reach nats.js v3 as `{ type: "error" }` status events (and close a denied subscription).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm, KvWatchInclude } from "@nats-io/kv";
import { type NatsConnection, PermissionViolationError } from "@nats-io/nats-core";
import { Svcm } from "@nats-io/services";
import { connect } from "@nats-io/transport-node";
import { NatsEnv, parseEnv } from "../shared/config.ts";
import { inboxPrefixFor } from "../shared/nats-options.ts";
import { catalogue } from "../shared/tools/index.ts";
import { envExampleFile, natsConfFile, readEnvFile } from "./compose-support.ts";
import { freePort } from "./support/free-port.ts";
import { type NatsServerHandle, startNatsServer } from "./support/nats-server.ts";

const vars = readEnvFile(envExampleFile);
const LEASES = "ib_mcp_leases";
const enc = new TextEncoder();
const users = ["gateway", "gateway_trading", "connector_paper", "connector_live", "debug", "ops"] as const;
type User = (typeof users)[number];
const tradeTools = catalogue.filter((t) => t.access === "trade").map((t) => t.name);

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

/** Every publish is refused by the server. */
async function refusesPublish(client: Client, subjects: string[]): Promise<void> {
  for (const s of subjects) client.nc.publish(s, "{}");
  await client.nc.flush();
  for (const s of subjects) assert.equal((await violationOn(client, s)).operation, "publish", s);
}

/** Every subscription is refused by the server (and closed by the client). */
async function refusesSubscribe(client: Client, subjects: string[]): Promise<void> {
  for (const s of subjects) {
    const sub = client.nc.subscribe(s);
    const closed = await withDeadline(sub.closed, 3_000, `the subscription to ${s}`);
    assert.ok(closed instanceof PermissionViolationError, `${s} was not refused`);
    assert.equal((await violationOn(client, s)).operation, "subscription", s);
  }
}

/** The quoted strings of one `NAME = [ ... ]` list of nats.conf. */
function confList(name: string): string[] {
  const conf = readFileSync(natsConfFile, "utf8").replace(/#.*$/gm, "");
  const m = conf.match(new RegExp(`^${name} = \\[([^\\]]*)\\]`, "m"));
  assert.ok(m, `nats.conf has no list ${name}`);
  return [...(m[1] ?? "").matchAll(/"([^"]+)"/g)].map((x) => x[1] as string);
}

describe("compose/nats/nats.conf permissions", () => {
  let server: NatsServerHandle;
  const clients: Client[] = [];

  async function login(user: User): Promise<Client> {
    const key = `NATS_${user.toUpperCase()}_PASSWORD`;
    const password = vars[key];
    assert.ok(password, `.env.example has no ${key}`);
    const nc = await connect({
      servers: server.url,
      user,
      pass: password,
      name: `test-${user}`,
      timeout: 5_000,
      // what ib-mcp's processes use: _INBOX_<NATS_USER>
      inboxPrefix: inboxPrefixFor(parseEnv(NatsEnv, { NATS_USER: user }), user),
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

  /** A stand-in connector of `mode` answering every tool with an echo, as the real one would through $SRV. */
  async function serve(mode: "paper" | "live") {
    const connector = await login(`connector_${mode}`);
    const service = await new Svcm(connector.nc).add({
      name: "ib-connector",
      version: "0.1.0",
      metadata: { mode },
    });
    service.addEndpoint("tools", {
      subject: `ib.${mode}.*`,
      handler: (err, msg) => {
        if (!err) msg.respond(JSON.stringify({ subject: msg.subject, instance: service.info().id }));
      },
    });
    await connector.nc.flush();
    return { connector, service };
  }

  before(async () => {
    // nats.conf reads the passwords from the server's environment, as in the compose service.
    for (const u of users)
      process.env[`NATS_${u.toUpperCase()}_PASSWORD`] = vars[`NATS_${u.toUpperCase()}_PASSWORD`];
    // the WebSocket listener on a free port: other tests may run beside this one
    process.env.NATS_WEBSOCKET_PORT = String(await freePort());
    server = await startNatsServer({ args: ["-c", natsConfFile, "-m", String(await freePort())] });
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

  it("lists in nats.conf exactly the catalogue's tools for the gateways, and its order tools as trade", () => {
    assert.deepEqual(
      confList("GATEWAY_TOOLS").sort(),
      ["ib.*._ping", "ib.*._cancel", ...catalogue.map((t) => `ib.*.${t.name}`)].sort(),
    );
    assert.deepEqual(confList("TRADE_TOOLS").sort(), tradeTools.map((t) => `ib.*.${t}`).sort());
    assert.deepEqual(
      confList("DEBUG_DENY").sort(),
      [...tradeTools.map((t) => `ib.*.${t}`), "ib.*.admin.>"].sort(),
    );
  });

  it("lets the paper connector keep its lease, journal and risk state, and serve; the gateway call and _ping it", async () => {
    const { connector, service } = await serve("paper");
    const kvm = new Kvm(connector.nc);
    const lease = await kvm.create(LEASES, { ttl: 10_000, history: 1 });
    const rev = await lease.create("paper", enc.encode("connector-a"));
    // a standby watches the key (an ordered consumer on the bucket's stream) to take over when it is deleted
    const watch = await lease.watch({ key: "paper", include: KvWatchInclude.UpdatesOnly });
    const seen = (async () => {
      for await (const e of watch) return e.revision;
    })();
    const renewed = await lease.update("paper", enc.encode("connector-a"), rev);
    assert.equal(await withDeadline(seen, 3_000, "the watcher"), renewed);
    watch.stop();
    await lease.delete("paper", { previousSeq: renewed });
    assert.equal((await lease.get("paper"))?.operation, "DEL");
    const journal = await kvm.create("ib-mcp-orders-paper", { ttl: 60_000, history: 1 });
    await journal.put("ibmcp-0123456789abcdef", enc.encode('{"orderId":7}'));
    assert.equal((await journal.get("ibmcp-0123456789abcdef"))?.json<{ orderId: number }>().orderId, 7);
    const risk = await kvm.create("ib-mcp-risk-paper", { history: 1 });
    const k = await risk.create("kill_switch", enc.encode('{"on":true}'));
    await risk.update("kill_switch", enc.encode('{"on":false}'), k);
    assert.equal((await risk.get("kill_switch"))?.json<{ on: boolean }>().on, false);

    const gateway = await login("gateway");
    const reply = await gateway.nc.request("ib.paper.lookup_contract", "{}", { timeout: 3_000 });
    assert.equal(reply.json<{ subject: string }>().subject, "ib.paper.lookup_contract");
    const ping = await gateway.nc.request("ib.paper._ping", "", { timeout: 3_000 });
    assert.equal(ping.json<{ instance: string }>().instance, service.info().id);
    // a client that hangs up: the gateway tells the connector to cancel that call
    gateway.nc.publish("ib.paper._cancel", "d6f1c0de-0000-4000-8000-000000000000");
    await gateway.nc.flush();
    assert.deepEqual(gateway.violations, []);
    assert.deepEqual(connector.violations, []);
    await service.stop();
  });

  it("a paper connector cannot serve, store or take over anything of live (nor purge the leases)", async () => {
    const paper = await login("connector_paper");
    await refusesSubscribe(paper, [
      "ib.live.>",
      "ib.live.place_order",
      "ib.*.place_order",
      "_INBOX_connector_live.>",
    ]);
    await refusesPublish(paper, [
      `$KV.${LEASES}.live`,
      "$KV.ib-mcp-orders-live.ibmcp-0123456789abcdef",
      "$KV.ib-mcp-risk-live.kill_switch",
      `$JS.API.STREAM.PURGE.KV_${LEASES}`,
      `$JS.API.STREAM.DELETE.KV_${LEASES}`,
      "$JS.API.STREAM.CREATE.OTHER",
      "ib.paper.lookup_contract",
    ]);
    const live = await login("connector_live");
    await refusesSubscribe(live, ["ib.paper.>", "_INBOX_connector_paper.>"]);
    await refusesPublish(live, [`$KV.${LEASES}.paper`, "$KV.ib-mcp-risk-paper.kill_switch"]);
  });

  it("no user can read another's replies: each subscribes only below its own inbox prefix", async () => {
    const gateway = await login("gateway");
    await refusesSubscribe(gateway, [
      "_INBOX.>",
      "_INBOX_gateway_trading.>",
      "_INBOX_connector_paper.>",
      "_INBOX_debug.>",
      "_INBOX_ops.>",
      ">",
    ]);
    const debug = await login("debug");
    await refusesSubscribe(debug, [
      "_INBOX.>",
      "_INBOX_gateway.>",
      "_INBOX_gateway_trading.>",
      "_INBOX_ops.>",
    ]);
    const trading = await login("gateway_trading");
    await refusesSubscribe(trading, ["_INBOX_gateway.>", "_INBOX_debug.>"]);
  });

  it("the read-only gateway cannot send order tools, the kill switch, $SRV or JetStream; nor listen on tools", async () => {
    const gateway = await login("gateway");
    await refusesPublish(gateway, [
      ...tradeTools.map((t) => `ib.paper.${t}`),
      "ib.live.place_order",
      "ib.paper.admin.kill_switch",
      "$SRV.PING.ib-connector",
      `$JS.API.STREAM.CREATE.KV_${LEASES}`,
      `$KV.${LEASES}.paper`,
    ]);
    await refusesSubscribe(gateway, ["ib.>"]);
    await assert.rejects(withDeadline(jetstreamManager(gateway.nc, { timeout: 1_000 }), 5_000, "jsm"));
  });

  it("the trading gateway may send the order tools, not the kill switch", async () => {
    const { service } = await serve("paper");
    const trading = await login("gateway_trading");
    for (const t of tradeTools) {
      const reply = await trading.nc.request(`ib.paper.${t}`, "{}", { timeout: 3_000 });
      assert.equal(reply.json<{ subject: string }>().subject, `ib.paper.${t}`);
    }
    await refusesPublish(trading, ["ib.paper.admin.kill_switch", `$KV.${LEASES}.paper`]);
    await service.stop();
  });

  it("debug reads (tools, $SRV, buckets) and never trades: no order tool, no kill switch, no writes", async () => {
    const { service } = await serve("paper");
    const writer = await login("connector_paper");
    const lease = await new Kvm(writer.nc).create(LEASES, { ttl: 10_000, history: 1 });
    await lease.put("paper", enc.encode("connector-d"));
    const debug = await login("debug");
    const reply = await debug.nc.request("ib.paper.get_positions", "{}", { timeout: 3_000 });
    assert.equal(reply.json<{ subject: string }>().subject, "ib.paper.get_positions");
    const infos = await new Svcm(debug.nc).client({ strategy: "timer", maxWait: 1_000 }).info("ib-connector");
    const names: string[] = [];
    for await (const i of infos) names.push(i.name);
    assert.deepEqual(names, ["ib-connector"]);
    assert.equal((await (await new Kvm(debug.nc).open(LEASES)).get("paper"))?.string(), "connector-d");
    await refusesPublish(debug, [
      ...tradeTools.flatMap((t) => [`ib.paper.${t}`, `ib.live.${t}`]),
      "ib.paper.admin.kill_switch",
      `$KV.${LEASES}.paper`,
      "$KV.ib-mcp-risk-paper.kill_switch",
      `$JS.API.STREAM.PURGE.KV_${LEASES}`,
    ]);
    await service.stop();
  });

  it("ops may throw the kill switch (and read), never send an order", async () => {
    const connector = await login("connector_paper");
    const sub = connector.nc.subscribe("ib.paper.admin.kill_switch", {
      callback: (_err, msg) => {
        msg.respond(JSON.stringify(msg.json()));
      },
    });
    await connector.nc.flush();
    const ops = await login("ops");
    const reply = await ops.nc.request("ib.paper.admin.kill_switch", '{"on":true}', { timeout: 3_000 });
    assert.deepEqual(reply.json(), { on: true });
    await refusesPublish(ops, [
      ...tradeTools.map((t) => `ib.paper.${t}`),
      "$KV.ib-mcp-risk-paper.kill_switch",
    ]);
    sub.unsubscribe();
  });
});
