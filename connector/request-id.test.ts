import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { headers, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { ErrorBody } from "../shared/errors.ts";
import { Headers, subjectFor } from "../shared/subjects.ts";
import { type Simulator, startSimulator } from "../sim/index.ts";
import { type NatsServerHandle, startNatsServer } from "../test/support/nats-server.ts";
import type { ConnectorHandle } from "./connector.ts";
import { testConnector } from "./test-support.ts";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("X-Request-Id at the connector (NATS header)", { timeout: 30_000 }, () => {
  let nats: NatsServerHandle;
  let sim: Simulator;
  let nc: NatsConnection;
  let client: NatsConnection;
  let connector: ConnectorHandle;

  /** The request id the connector's error reply carries for a request sent with `id` (an invalid body). */
  async function echoedFor(id: string): Promise<string | undefined> {
    const h = headers();
    h.set(Headers.requestId, id);
    const until = Date.now() + 10_000;
    for (;;) {
      try {
        const msg = await client.request(subjectFor("paper", "lookup_contract"), "{not json", {
          timeout: 1_000,
          headers: h,
        });
        return ErrorBody.parse(JSON.parse(new TextDecoder().decode(msg.data))).error.requestId;
      } catch (err) {
        // the service registers once it holds the lease
        if (Date.now() > until) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  before(async () => {
    nats = await startNatsServer();
    sim = await startSimulator({ port: 0 });
    nc = await connect({ servers: nats.url });
    client = await connect({ servers: nats.url });
    connector = await testConnector(sim.port, { IB_CLIENT_ID: "41", LEASE_TTL_MS: "3000" }, { nc });
    await connector.ready(10_000);
  });
  after(async () => {
    await connector?.close();
    await nc?.close();
    await client?.close();
    await sim?.close();
    await nats?.stop();
  });

  it("echoes a plain id", async () => {
    assert.equal(await echoedFor("req-plain_1="), "req-plain_1=");
  });

  it("answers a 5,000-character id with a fresh one, not the id", async () => {
    assert.match((await echoedFor("a".repeat(5_000))) ?? "", uuid);
  });

  it("answers an id with unsafe characters with a fresh one", async () => {
    for (const id of ["id with spaces", "id\u0001x", "<script>", "é"])
      assert.match((await echoedFor(id)) ?? "", uuid, id);
  });
});
