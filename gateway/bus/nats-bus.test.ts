import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type NatsConnection, headers as natsHeaders } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { type ErrorCode, IbMcpError, serviceStatusOf } from "../../shared/errors.ts";
import { Headers } from "../../shared/subjects.ts";
import { encodeError, encodeResult } from "../../shared/wire.ts";
import { type NatsServerHandle, startNatsServer } from "../../test/support/nats-server.ts";
import { connectorBudgetMs, createNatsBus } from "./nats-bus.ts";

async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<IbMcpError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof IbMcpError, `expected IbMcpError, got ${err}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}, got a result`);
}

describe("createNatsBus against a real nats-server", () => {
  let server: NatsServerHandle;
  let gatewayNc: NatsConnection;
  let connectorNc: NatsConnection;
  const seenHeaders: Array<Record<string, string | undefined>> = [];

  before(async () => {
    server = await startNatsServer({ jetstream: false });
    gatewayNc = await connect({ servers: server.url, timeout: 5_000 });
    connectorNc = await connect({ servers: server.url, timeout: 5_000 });
    // A tiny raw responder standing in for the connector's service.
    connectorNc.subscribe("ib.paper.*", {
      callback: (_err, msg) => {
        seenHeaders.push({
          requestId: msg.headers?.get(Headers.requestId),
          timeoutMs: msg.headers?.get(Headers.timeoutMs),
          traceparent: msg.headers?.get(Headers.traceparent),
        });
        const tool = msg.subject.split(".")[2];
        if (tool === "lookup_contract") {
          const args = msg.json<{ symbol: string }>();
          msg.respond(encodeResult({ symbol: args.symbol, contracts: [] }));
        } else if (tool === "get_positions") {
          const h = natsHeaders(serviceStatusOf.RATE_LIMITED, "pacing");
          h.set("Nats-Service-Error", "pacing");
          h.set("Nats-Service-Error-Code", String(serviceStatusOf.RATE_LIMITED));
          msg.respond(
            encodeError({
              code: "RATE_LIMITED",
              message: "historical pacing",
              retryable: true,
              retryAfterMs: 9_000,
            }),
            { headers: h },
          );
        } else if (tool === "get_article") {
          msg.respond(new TextEncoder().encode("not json"));
        }
        // get_historical_data: never answered, so the request times out.
      },
    });
    await connectorNc.flush();
  });

  after(async () => {
    await gatewayNc?.close();
    await connectorNc?.close();
    await server?.stop();
  });

  it("returns the result and sends request id, budget and traceparent headers", async () => {
    const bus = createNatsBus(gatewayNc);
    const result = await bus.call(
      "paper",
      "lookup_contract",
      { symbol: "AAPL" },
      { requestId: "rid-1", timeoutMs: 2_000, traceparent: "00-abc-def-01" },
    );
    assert.deepEqual(result, { symbol: "AAPL", contracts: [] });
    const h = seenHeaders.at(-1);
    assert.equal(h?.requestId, "rid-1");
    // the budget is taken from what is left of the call's time when it is sent (a resend gets less)
    const budget = Number(h?.timeoutMs);
    assert.ok(
      budget <= connectorBudgetMs(2_000) && budget > connectorBudgetMs(2_000) - 100,
      `budget ${budget}`,
    );
    assert.equal(h?.traceparent, "00-abc-def-01");
  });

  it("an error reply becomes an IbMcpError with its code and retry time", async () => {
    const bus = createNatsBus(gatewayNc);
    const err = await rejectsWith(
      bus.call("paper", "get_positions", {}, { requestId: "rid-2", timeoutMs: 2_000 }),
      "RATE_LIMITED",
    );
    assert.equal(err.retryAfterMs, 9_000);
    assert.equal(err.message, "historical pacing");
  });

  it("a reply that is not JSON is INTERNAL", async () => {
    const bus = createNatsBus(gatewayNc);
    await rejectsWith(bus.call("paper", "get_article", {}, { requestId: "r", timeoutMs: 2_000 }), "INTERNAL");
  });

  it("no responders is CONNECTOR_UNAVAILABLE at once, naming the mode", async () => {
    const bus = createNatsBus(gatewayNc);
    const started = performance.now();
    const err = await rejectsWith(
      bus.call("live", "lookup_contract", { symbol: "AAPL" }, { requestId: "r", timeoutMs: 5_000 }),
      "CONNECTOR_UNAVAILABLE",
    );
    const took = performance.now() - started;
    assert.ok(took < 100, `took ${took} ms`);
    assert.match(err.message, /live/);
  });

  it("no answer within the deadline is TIMEOUT", async () => {
    const bus = createNatsBus(gatewayNc);
    const started = performance.now();
    await rejectsWith(
      bus.call("paper", "get_historical_data", {}, { requestId: "r", timeoutMs: 200 }),
      "TIMEOUT",
    );
    const took = performance.now() - started;
    assert.ok(took >= 190 && took < 1_000, `took ${took} ms`);
  });

  it("ping: true when the mode's connector answers, false when nobody listens", async () => {
    const bus = createNatsBus(gatewayNc, { recentMs: 0 });
    // get_connection_status is not answered by the raw responder: a timeout is "not ready"
    assert.equal(await bus.ping("paper", 100), false);
    const answering = createNatsBus(gatewayNc, { recentMs: 60_000 });
    await answering.call("paper", "lookup_contract", { symbol: "X" }, { requestId: "r", timeoutMs: 1_000 });
    assert.equal(await answering.ping("paper", 100), true, "a recent reply counts");
    assert.equal(await bus.ping("live", 1_000), false);
  });

  it("a closed connection is CONNECTOR_UNAVAILABLE and ping false", async () => {
    const nc = await connect({ servers: server.url, timeout: 5_000 });
    const bus = createNatsBus(nc);
    await nc.close();
    await rejectsWith(
      bus.call("paper", "lookup_contract", { symbol: "A" }, { requestId: "r", timeoutMs: 1_000 }),
      "CONNECTOR_UNAVAILABLE",
    );
    assert.equal(await bus.ping("paper", 100), false);
  });
});
