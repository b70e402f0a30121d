import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { headers, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { ErrorBody } from "../shared/errors.ts";
import { Headers, SERVICE_NAME, subjectFor } from "../shared/subjects.ts";
import { catalogue } from "../shared/tools/index.ts";
import { decodeReply } from "../shared/wire.ts";
import { type Simulator, startSimulator } from "../sim/index.ts";
import { type NatsServerHandle, startNatsServer } from "../test/support/nats-server.ts";
import type { ConnectorHandle } from "./connector.ts";
import { testConnector } from "./test-support.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

describe("NATS service ib-connector", () => {
  let nats: NatsServerHandle;
  let sim: Simulator;
  let nc: NatsConnection;
  let client: NatsConnection;
  let connector: ConnectorHandle;

  /** Requests until the service answers (it registers once it holds the lease), within timeoutMs. */
  async function untilServed(subject: string, body: string, timeoutMs: number) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await client.request(subject, enc.encode(body), { timeout: 1_000 });
      } catch (err) {
        if (Date.now() > until) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  before(async () => {
    nats = await startNatsServer();
    sim = await startSimulator({ port: 0 });
    const opts = { servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 };
    nc = await connect({ ...opts, name: "connector-under-test" });
    client = await connect({ ...opts, name: "test-client" });
    connector = await testConnector(sim.port, { LEASE_TTL_MS: "3000" }, { nc });
    await connector.ready(10_000);
  });
  after(async () => {
    await connector?.close();
    await nc?.close();
    await client?.close();
    await sim?.close();
    await nats?.stop();
  });

  it("answers ib.paper.lookup_contract with the result as JSON", async () => {
    const msg = await untilServed(subjectFor("paper", "lookup_contract"), '{"symbol":"AAPL"}', 10_000);
    const out = decodeReply(msg.data, msg.headers?.get("Nats-Service-Error")) as {
      contracts: Array<{ conId: number }>;
    };
    assert.equal(out.contracts[0]?.conId, 265598);
  });

  it("answers invalid JSON with service error 400 and an INVALID_ARGUMENT body", async () => {
    const h = headers();
    h.set(Headers.requestId, "req-bad-json");
    const msg = await client.request(subjectFor("paper", "lookup_contract"), enc.encode("{not json"), {
      timeout: 2_000,
      headers: h,
    });
    assert.equal(msg.headers?.get("Nats-Service-Error-Code"), "400");
    const body = ErrorBody.parse(JSON.parse(dec.decode(msg.data)));
    assert.equal(body.error.code, "INVALID_ARGUMENT");
    assert.equal(body.error.requestId, "req-bad-json");
    assert.match(body.error.message, /not valid JSON/);
  });

  it("refuses an X-Principal header that is not a principal name with 400 INVALID_ARGUMENT", async () => {
    for (const bad of ["ops\u0000admin", "x".repeat(65), "-lead", "a b"]) {
      const h = headers();
      h.set(Headers.requestId, "req-bad-principal");
      h.set(Headers.principal, bad);
      const msg = await client.request(
        subjectFor("paper", "lookup_contract"),
        enc.encode('{"symbol":"AAPL"}'),
        {
          timeout: 2_000,
          headers: h,
        },
      );
      assert.equal(msg.headers?.get("Nats-Service-Error-Code"), "400", JSON.stringify(bad));
      const body = ErrorBody.parse(JSON.parse(dec.decode(msg.data)));
      assert.equal(body.error.code, "INVALID_ARGUMENT");
      assert.match(body.error.message, /X-Principal header of lookup_contract is not a principal name/);
    }
  });

  it("answers a bad argument with 400 naming the field, and NOT_FOUND with 404", async () => {
    const bad = await client.request(
      subjectFor("paper", "get_historical_data"),
      enc.encode('{"symbol":"AAPL","duration":"9 X"}'),
      { timeout: 2_000 },
    );
    assert.equal(bad.headers?.get("Nats-Service-Error-Code"), "400");
    assert.match(ErrorBody.parse(JSON.parse(dec.decode(bad.data))).error.message, /duration/);
    const missing = await client.request(
      subjectFor("paper", "lookup_contract"),
      enc.encode('{"symbol":"AAPLX"}'),
      { timeout: 5_000 },
    );
    assert.equal(missing.headers?.get("Nats-Service-Error-Code"), "404");
  });

  it("shows metadata, state and one endpoint per read tool in $SRV.INFO (a read-only connector has no order endpoint), and the state in $SRV.STATS", async () => {
    const info = JSON.parse(
      dec.decode((await client.request(`$SRV.INFO.${SERVICE_NAME}`, undefined, { timeout: 2_000 })).data),
    );
    assert.equal(info.metadata.mode, "paper");
    assert.equal(info.metadata.state, "ready");
    assert.equal(info.metadata.ibPort, String(sim.port));
    assert.equal(info.metadata.serverVersion, String(sim.serverVersion));
    assert.equal(info.metadata.account, sim.accounts.join(","));
    assert.equal(info.metadata.trading, "off");
    const subjects = info.endpoints.map((e: { subject: string }) => e.subject);
    for (const t of catalogue)
      assert.equal(subjects.includes(subjectFor("paper", t.name)), t.access === "read", t.name);
    assert.ok(subjects.includes("ib.paper._ping"));
    await assert.rejects(
      client.request(subjectFor("paper", "place_order"), enc.encode("{}"), { timeout: 2_000 }),
      /no responders/i,
    );
    const stats = JSON.parse(
      dec.decode((await client.request(`$SRV.STATS.${SERVICE_NAME}`, undefined, { timeout: 2_000 })).data),
    );
    assert.equal(stats.endpoints[0].data.state, "ready");
    const ping = JSON.parse(
      dec.decode((await client.request("ib.paper._ping", undefined, { timeout: 2_000 })).data),
    );
    assert.deepEqual(ping, { mode: "paper", state: "ready", instance: info.id });
  });

  it("never crashes on garbage and serves again after a NATS server restart", async () => {
    client.publish(subjectFor("paper", "get_positions"), enc.encode("\u0000\u0001garbage"));
    await nats.restart();
    const msg = await untilServed(subjectFor("paper", "ticker_to_conid"), '{"symbol":"MSFT"}', 20_000);
    const out = decodeReply(msg.data, msg.headers?.get("Nats-Service-Error")) as { conId: number };
    assert.equal(out.conId, 272093);
  });

  it("keeps a second connector of the same mode as a hot standby that takes over when the first stops", async () => {
    const nc2 = await connect({ servers: nats.url, name: "standby" });
    const standby = await testConnector(sim.port, { LEASE_TTL_MS: "3000" }, { nc: nc2 });
    try {
      await new Promise((r) => setTimeout(r, 500));
      assert.match(standby.status().lastError ?? "", /standby/);
      await connector.close();
      await standby.ready(10_000);
      const msg = await untilServed(subjectFor("paper", "ticker_to_conid"), '{"symbol":"AAPL"}', 10_000);
      assert.equal((decodeReply(msg.data, undefined) as { conId: number }).conId, 265598);
      // never two IB sessions on one clientId: the lease hands over, IB's 326 never has to
      assert.equal(sim.stats().connections.peakByClientId["1"], 1);
      assert.equal(sim.stats().errorsSent["326"], undefined);
    } finally {
      await standby.close();
      await nc2.close();
    }
  });

  it("a trading connector registers the order endpoints and says trading on", async () => {
    const nc3 = await connect({ servers: nats.url, name: "trading" });
    const trading = await testConnector(
      sim.port,
      {
        LEASE_TTL_MS: "3000",
        IB_READONLY: "false",
        ORDER_TOKEN_SECRET: "0123456789abcdef0123456789abcdef-svc",
      },
      { nc: nc3 },
    );
    try {
      await trading.ready(10_000);
      await untilServed(subjectFor("paper", "ticker_to_conid"), '{"symbol":"AAPL"}', 10_000);
      const info = JSON.parse(
        dec.decode((await client.request(`$SRV.INFO.${SERVICE_NAME}`, undefined, { timeout: 2_000 })).data),
      );
      assert.equal(info.metadata.trading, "on");
      const subjects = info.endpoints.map((e: { subject: string }) => e.subject);
      for (const t of catalogue) assert.ok(subjects.includes(subjectFor("paper", t.name)), t.name);
    } finally {
      await trading.close();
      await nc3.close();
    }
  });
});
