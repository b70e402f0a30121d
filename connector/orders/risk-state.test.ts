import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { IbMcpError } from "../../shared/errors.ts";
import { type NatsServerHandle, startNatsServer } from "../../test/support/nats-server.ts";
import type { RiskStore } from "./risk-state.ts";
import { kvRiskStore } from "./risk-state-kv.ts";
import { memoryRiskStore } from "./risk-state-memory.ts";

const DAY = "2026-11-30";
const capOf = (cap: number, notional: number) => (used: number) => {
  if (used + notional > cap) throw new IbMcpError("INVALID_ARGUMENT", `daily cap ${cap} reached`);
};

/** What both implementations promise. `fresh` gives a store with nothing in it. */
function contract(name: string, fresh: () => Promise<RiskStore>) {
  describe(`${name}: the risk store contract`, () => {
    it("starts with the kill switch off and nothing used; a thrown switch reads on until lifted", async () => {
      const s = await fresh();
      assert.equal(await s.killSwitch(), false);
      assert.equal(await s.dailyUsed(DAY), 0);
      await s.setKillSwitch(true);
      assert.equal(await s.killSwitch(), true);
      await s.setKillSwitch(false);
      assert.equal(await s.killSwitch(), false);
    });

    it("adds and gives back notional per day, never below zero", async () => {
      const s = await fresh();
      assert.equal(await s.addDaily(DAY, 300), 300);
      assert.equal(await s.addDaily(DAY, 150.5), 450.5);
      assert.equal(await s.addDaily(DAY, -150.5), 300);
      assert.equal(await s.dailyUsed(DAY), 300);
      assert.equal(await s.dailyUsed("2026-12-01"), 0, "another day starts at 0");
      assert.equal(await s.addDaily("2026-12-01", -10), 0);
    });

    it("a refused check writes nothing", async () => {
      const s = await fresh();
      await s.addDaily(DAY, 900);
      await assert.rejects(s.addDaily(DAY, 200, capOf(1_000, 200)), /daily cap 1000 reached/);
      assert.equal(await s.dailyUsed(DAY), 900);
    });
  });
}

contract("memory", async () => memoryRiskStore());

describe("JetStream KV risk store on a real nats-server", () => {
  let server: NatsServerHandle;
  let bare: NatsServerHandle;
  const conns: NatsConnection[] = [];
  let mode = 0;
  const conn = async (url = server.url) => {
    const nc = await connect({ servers: url, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    conns.push(nc);
    return nc;
  };
  // each test its own bucket: the mode is only used to name it
  const freshMode = () => `t${++mode}` as "paper";

  before(async () => {
    server = await startNatsServer();
    bare = await startNatsServer({ jetstream: false });
  });
  after(async () => {
    await Promise.all(conns.map((nc) => nc.close().catch(() => undefined)));
    await server.stop();
    await bare.stop();
  });

  contract("jetstream-kv", async () => kvRiskStore(await conn(), freshMode()));

  it("names its bucket ib-mcp-risk-<mode>", async () => {
    assert.equal(kvRiskStore(await conn(), "paper").name, "jetstream-kv:ib-mcp-risk-paper");
  });

  it("a kill switch thrown by one connector is read by another and by a new one (restart)", async () => {
    const m = freshMode();
    const a = kvRiskStore(await conn(), m);
    const standby = kvRiskStore(await conn(), m);
    assert.equal(await standby.killSwitch(), false);
    await a.setKillSwitch(true);
    assert.equal(await standby.killSwitch(), true);
    const restarted = kvRiskStore(await conn(), m);
    assert.equal(await restarted.killSwitch(), true);
  });

  it("two writers never lose an increment (compare-and-set on the day's revision)", async () => {
    const m = freshMode();
    const [a, b] = [kvRiskStore(await conn(), m), kvRiskStore(await conn(), m)];
    await a.addDaily(DAY, 0);
    const writes = Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).addDaily(DAY, 10));
    await Promise.all(writes);
    assert.equal(await kvRiskStore(await conn(), m).dailyUsed(DAY), 200);
  });

  it("two writers racing for the last room under a cap: only one gets it", async () => {
    const m = freshMode();
    const [a, b] = [kvRiskStore(await conn(), m), kvRiskStore(await conn(), m)];
    await a.addDaily(DAY, 800);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).addDaily(DAY, 150, capOf(1_000, 150))),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    assert.equal(await a.dailyUsed(DAY), 950);
  });

  it("without JetStream every call fails with a retryable CONNECTOR_UNAVAILABLE naming the store", async () => {
    const s = kvRiskStore(await conn(bare.url), "paper", 500);
    for (const call of [
      () => s.killSwitch(),
      () => s.setKillSwitch(true),
      () => s.dailyUsed(DAY),
      () => s.addDaily(DAY, 1),
    ]) {
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(err instanceof IbMcpError);
        assert.equal(err.code, "CONNECTOR_UNAVAILABLE");
        assert.equal(err.retryable, true);
        assert.match(err.message, /risk store \(jetstream-kv:ib-mcp-risk-paper/);
        return true;
      });
    }
  });
});
