import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import type { IbMcpError } from "../../shared/errors.ts";
import { Headers } from "../../shared/subjects.ts";
import { encodeResult } from "../../shared/wire.ts";
import { type NatsServerHandle, startNatsServer } from "../../test/support/nats-server.ts";
import { createNatsBus } from "./nats-bus.ts";

describe("a read whose request or reply is lost is sent again", () => {
  let server: NatsServerHandle;
  let gatewayNc: NatsConnection;
  let connectorNc: NatsConnection;
  const seen = new Map<string, number>();

  before(async () => {
    server = await startNatsServer({ jetstream: false });
    gatewayNc = await connect({ servers: server.url });
    connectorNc = await connect({ servers: server.url });
    // drops the first copy of every request, as a NATS node that died with it would
    connectorNc.subscribe("ib.paper.*", {
      callback: (_e, msg) => {
        const id = msg.headers?.get(Headers.requestId) ?? "";
        const n = (seen.get(id) ?? 0) + 1;
        seen.set(id, n);
        if (n > 1) msg.respond(encodeResult({ copy: n }));
      },
    });
    await connectorNc.flush();
  });
  after(async () => {
    await gatewayNc?.close();
    await connectorNc?.close();
    await server?.stop();
  });

  it("a read tool is answered by its second copy, long before the deadline", async () => {
    const bus = createNatsBus(gatewayNc, { resendReadsAfterMs: 300 });
    const started = Date.now();
    const out = await bus.call("paper", "get_positions", {}, { requestId: "r1", timeoutMs: 5_000 });
    assert.deepEqual(out, { copy: 2 });
    assert.ok(Date.now() - started < 2_000, `answered after ${Date.now() - started} ms`);
  });

  it("without resending, the same read times out", async () => {
    const bus = createNatsBus(gatewayNc, { resendReadsAfterMs: 0 });
    await assert.rejects(
      bus.call("paper", "get_positions", {}, { requestId: "r2", timeoutMs: 1_000 }),
      (e: IbMcpError) => e.code === "TIMEOUT",
    );
  });

  it("an order tool is never sent twice", async () => {
    const bus = createNatsBus(gatewayNc, { resendReadsAfterMs: 200 });
    await assert.rejects(
      bus.call("paper", "place_order", { token: "t" }, { requestId: "r3", timeoutMs: 1_500 }),
      (e: IbMcpError) => e.code === "TIMEOUT",
    );
    assert.equal(seen.get("r3"), 1);
  });
});
