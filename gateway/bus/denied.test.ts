import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { IbMcpError } from "../../shared/errors.ts";
import { type NatsServerHandle, startNatsServer } from "../../test/support/nats-server.ts";
import { createNatsBus } from "./nats-bus.ts";

describe("a request the gateway's NATS user may not send", () => {
  let dir: string;
  let server: NatsServerHandle;
  let nc: NatsConnection;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ib-mcp-denied-"));
    const conf = join(dir, "nats.conf");
    writeFileSync(
      conf,
      `authorization { users: [ { user: gw, password: pw, permissions: {
         publish: { allow: ["ib.*.get_positions"] }, subscribe: { allow: ["_INBOX_gw.>"] } } } ] }`,
    );
    server = await startNatsServer({ jetstream: false, args: ["-c", conf] });
    nc = await connect({ servers: server.url, user: "gw", pass: "pw", inboxPrefix: "_INBOX_gw" });
  });

  after(async () => {
    await nc?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function failure(p: Promise<unknown>): Promise<IbMcpError> {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof IbMcpError, `expected IbMcpError, got ${err}`);
      return err;
    }
    assert.fail("expected a failure");
  }

  it("an order tool is READ_ONLY at once, naming the subject and the trading user", async () => {
    const bus = createNatsBus(nc);
    const started = performance.now();
    const err = await failure(bus.call("paper", "place_order", {}, { requestId: "r-1", timeoutMs: 10_000 }));
    assert.ok(performance.now() - started < 2_000, "not left to its deadline");
    assert.equal(err.code, "READ_ONLY");
    assert.equal(err.requestId, "r-1");
    assert.match(err.message, /may not send ib\.paper\.place_order/);
    assert.match(err.message, /gateway_trading/);
  });

  it("a read tool refused is a misconfiguration the operator must fix, not a timeout", async () => {
    const bus = createNatsBus(nc);
    const err = await failure(bus.call("paper", "get_quote", {}, { requestId: "r-2", timeoutMs: 10_000 }));
    assert.equal(err.code, "INTERNAL");
    assert.match(err.message, /may not send ib\.paper\.get_quote/);
  });
});
