import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { IbMcpError } from "../../shared/errors.ts";
import { encodeResult } from "../../shared/wire.ts";
import { type NatsServerHandle, startNatsServer } from "../../test/support/nats-server.ts";
import { createNatsBus } from "./nats-bus.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const opts = { reconnectTimeWait: 100, maxReconnectAttempts: -1 };

/** A stand-in connector answering every ib.paper tool with `{ ok: true }`. */
function serve(nc: NatsConnection) {
  return nc.subscribe("ib.paper.*", {
    callback: (_e, msg) => {
      msg.respond(encodeResult({ ok: true }));
    },
  });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    assert.ok(err instanceof IbMcpError, String(err));
    return err.code;
  }
}

describe("a call that finds no connector waits CONNECTOR_WAIT_MS for one", () => {
  let server: NatsServerHandle;
  let gatewayNc: NatsConnection;
  let connectorNc: NatsConnection;

  before(async () => {
    server = await startNatsServer({ jetstream: false });
    gatewayNc = await connect({ servers: server.url, ...opts });
    connectorNc = await connect({ servers: server.url, ...opts });
  });
  after(async () => {
    await gatewayNc?.close();
    await connectorNc?.close();
    await server?.stop();
  });

  it("is answered by a connector that starts serving during the wait", async () => {
    const bus = createNatsBus(gatewayNc, { connectorWaitMs: 3_000 });
    const call = bus.call("paper", "get_positions", {}, { requestId: "w1", timeoutMs: 5_000 });
    await sleep(600);
    const sub = serve(connectorNc);
    try {
      assert.deepEqual(await call, { ok: true });
    } finally {
      sub.unsubscribe();
      // the server must know it is gone before the next case asks, or that request goes to a dead subscription
      await connectorNc.flush();
    }
  });

  it("without the wait, the same call fails at once", async () => {
    const bus = createNatsBus(gatewayNc, { connectorWaitMs: 0 });
    const code = codeOf(bus.call("paper", "get_positions", {}, { requestId: "w2", timeoutMs: 5_000 }));
    await sleep(600);
    const sub = serve(connectorNc);
    try {
      assert.equal(await code, "CONNECTOR_UNAVAILABLE");
    } finally {
      sub.unsubscribe();
      // the server must know it is gone before the next case asks, or that request goes to a dead subscription
      await connectorNc.flush();
    }
  });

  it("a connector that is really gone is reported once the wait is spent, well before the deadline", async () => {
    const bus = createNatsBus(gatewayNc, { connectorWaitMs: 800 });
    const started = Date.now();
    const err = await bus
      .call("paper", "get_positions", {}, { requestId: "w3", timeoutMs: 10_000 })
      .then(() => assert.fail("answered"))
      .catch((e: IbMcpError) => e);
    const took = Date.now() - started;
    assert.equal(err.code, "CONNECTOR_UNAVAILABLE", err.message);
    // well before the 10 s deadline; generous above the 800 ms wait for a loaded machine
    assert.ok(took >= 700 && took < 4_000, `reported after ${took} ms`);
  });

  it("the wait never outlasts the call's own deadline", async () => {
    const bus = createNatsBus(gatewayNc, { connectorWaitMs: 30_000 });
    const started = Date.now();
    const code = await codeOf(bus.call("paper", "get_positions", {}, { requestId: "w4", timeoutMs: 1_200 }));
    const took = Date.now() - started;
    assert.equal(code, "CONNECTOR_UNAVAILABLE");
    assert.ok(took < 1_200, `ended after ${took} ms, past its 1200 ms deadline`);
  });

  it("a call made while the gateway reconnects to NATS is sent once it is back", async () => {
    const sub = serve(connectorNc);
    const bus = createNatsBus(gatewayNc, { connectorWaitMs: 4_000 });
    try {
      const disconnected = (async () => {
        for await (const s of gatewayNc.status()) if (s.type === "disconnect") return;
      })();
      const restart = server.restart();
      await disconnected;
      const call = bus.call("paper", "get_positions", {}, { requestId: "w5", timeoutMs: 8_000 });
      await restart;
      assert.deepEqual(await call, { ok: true });
    } finally {
      sub.unsubscribe();
      // the server must know it is gone before the next case asks, or that request goes to a dead subscription
      await connectorNc.flush();
    }
  });
});
