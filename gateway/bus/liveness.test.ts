import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Msg, NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { IbMcpError } from "../../shared/errors.ts";
import { encodeResult } from "../../shared/wire.ts";
import { type NatsServerHandle, startNatsServer } from "../../test/support/nats-server.ts";
import { createNatsBus } from "./nats-bus.ts";

const fast = { slowMs: 200, probeEveryMs: 200 };

/** A stand-in connector on its own connection: answers `_ping` with its instance id, holds every tool call. */
async function fakeConnector(url: string, instance: string, opts: { answerAfterMs?: number } = {}) {
  const nc = await connect({ servers: url, timeout: 5_000 });
  const held: Msg[] = [];
  const sub = nc.subscribe("ib.paper.*", {
    queue: "q",
    callback: (_err, msg) => {
      if (msg.subject === "ib.paper._ping") {
        msg.respond(encodeResult({ mode: "paper", state: "ready", instance }));
        return;
      }
      held.push(msg);
      if (opts.answerAfterMs !== undefined)
        setTimeout(() => msg.respond(encodeResult({ answeredBy: instance })), opts.answerAfterMs);
    },
  });
  await nc.flush();
  return { nc, sub, held };
}

async function failure(p: Promise<unknown>): Promise<{ err: IbMcpError; ms: number }> {
  const started = performance.now();
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof IbMcpError, `expected IbMcpError, got ${err}`);
    return { err, ms: performance.now() - started };
  }
  assert.fail("expected a failure, got a result");
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("a slow call whose connector goes away", () => {
  let server: NatsServerHandle;
  let gatewayNc: NatsConnection;
  const opened: NatsConnection[] = [];

  before(async () => {
    server = await startNatsServer({ jetstream: false });
    gatewayNc = await connect({ servers: server.url, timeout: 5_000 });
  });

  after(async () => {
    for (const nc of opened) await nc.close().catch(() => undefined);
    await gatewayNc?.close();
    await server?.stop();
  });

  it("fails with CONNECTOR_UNAVAILABLE soon after the connector's connection dies, not at its deadline", async () => {
    const a = await fakeConnector(server.url, "a");
    const bus = createNatsBus(gatewayNc, { liveness: fast });
    const call = bus.call("paper", "get_positions", {}, { requestId: "r-1", timeoutMs: 20_000 });
    await until(() => a.held.length === 1, 2_000);
    await a.nc.close();
    const { err, ms } = await failure(call);
    assert.equal(err.code, "CONNECTOR_UNAVAILABLE");
    assert.equal(err.retryable, true);
    assert.equal(err.requestId, "r-1");
    assert.match(err.message, /paper connector serving get_positions went away/);
    assert.match(err.message, /changed nothing/);
    assert.ok(ms < 2_000, `failed after ${ms.toFixed(0)} ms`);
    await bus.close();
  });

  it("an order call says it may have taken effect and to check open orders", async () => {
    const a = await fakeConnector(server.url, "a");
    const bus = createNatsBus(gatewayNc, { liveness: fast });
    const call = bus.call("paper", "place_order", {}, { requestId: "r-2", timeoutMs: 20_000 });
    await until(() => a.held.length === 1, 2_000);
    await a.nc.close();
    const { err } = await failure(call);
    assert.equal(err.code, "CONNECTOR_UNAVAILABLE");
    assert.match(err.message, /may or may not have received it: check get_open_orders/);
    await bus.close();
  });

  it("fails when another instance serves the mode now (a takeover), even though someone answers", async () => {
    const a = await fakeConnector(server.url, "a");
    opened.push(a.nc);
    const bus = createNatsBus(gatewayNc, { liveness: fast });
    const call = bus.call("paper", "get_positions", {}, { requestId: "r-3", timeoutMs: 20_000 });
    await until(() => a.held.length === 1, 2_000);
    await new Promise((r) => setTimeout(r, 600)); // probes have seen "a" serving since the call was sent
    // "a" stops serving without dying (its connection stays, so no responders never shows) and "b" takes over
    const b = await fakeConnector(server.url, "b");
    opened.push(b.nc);
    a.sub.unsubscribe();
    await a.nc.flush();
    const { err, ms } = await failure(call);
    assert.equal(err.code, "CONNECTOR_UNAVAILABLE");
    assert.match(err.message, /another connector instance serves paper now/);
    assert.ok(ms < 3_000, `failed after ${ms.toFixed(0)} ms`);
    b.sub.unsubscribe();
    await bus.close();
  });

  it("leaves a slow call alone while the same connector serves, and it gets its answer", async () => {
    const a = await fakeConnector(server.url, "a", { answerAfterMs: 1_200 });
    opened.push(a.nc);
    const bus = createNatsBus(gatewayNc, { liveness: fast });
    const result = await bus.call("paper", "get_positions", {}, { requestId: "r-4", timeoutMs: 20_000 });
    assert.deepEqual(result, { answeredBy: "a" });
    a.sub.unsubscribe();
    await bus.close();
  });

  it("a connector that stops answering pings but keeps its subscription is still waited for (busy, not gone)", async () => {
    const nc = await connect({ servers: server.url, timeout: 5_000 });
    opened.push(nc);
    const sub = nc.subscribe("ib.paper.*", {
      callback: (_err, msg) => {
        if (msg.subject !== "ib.paper._ping") setTimeout(() => msg.respond(encodeResult({ ok: 1 })), 1_000);
      },
    });
    await nc.flush();
    const bus = createNatsBus(gatewayNc, { liveness: fast });
    assert.deepEqual(await bus.call("paper", "get_positions", {}, { requestId: "r-5", timeoutMs: 20_000 }), {
      ok: 1,
    });
    sub.unsubscribe();
    await bus.close();
  });
});
