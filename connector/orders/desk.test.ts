import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectorEnv, parseEnv } from "../../shared/config.ts";
import { IbMcpError } from "../../shared/errors.ts";
import type { IbOrders } from "../ib/requests/orders.ts";
import type { AuditLog } from "./audit.ts";
import { createTradingDesk } from "./desk.ts";
import { memoryJournal } from "./journal.ts";
import { type RiskStore, riskStoreUnavailable } from "./risk-state.ts";
import { memoryRiskStore } from "./risk-state-memory.ts";

const env = (extra: Record<string, string> = {}) =>
  parseEnv(ConnectorEnv, {
    IB_READONLY: "false",
    ORDER_TOKEN_SECRET: "0123456789abcdef0123456789abcdef-desk",
    ORDER_DAILY_MAX_NOTIONAL: "1000",
    ...extra,
  });
// the desk's checks never reach IB or the audit log
const noOrders = {} as IbOrders;
const noAudit = {} as AuditLog;

/** A store whose every call fails as a KV that does not answer would. */
const downStore = (): RiskStore => {
  const fail = async (): Promise<never> => {
    throw riskStoreUnavailable("jetstream-kv:ib-mcp-risk-paper", new Error("no responders"));
  };
  return {
    name: "jetstream-kv:ib-mcp-risk-paper",
    killSwitch: fail,
    setKillSwitch: fail,
    dailyUsed: fail,
    addDaily: fail,
  };
};

const deskOver = (risk: RiskStore, extra: Record<string, string> = {}) =>
  createTradingDesk(env(extra), noOrders, noAudit, memoryJournal(), risk);

const coded = (code: string, pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof IbMcpError, String(err));
  assert.equal(err.code, code, err.message);
  assert.match(err.message, pattern);
  return true;
};

describe("trading desk over a risk store", () => {
  it("a kill switch thrown by one desk stops another desk on the same store, and lifting it resumes", async () => {
    const store = memoryRiskStore();
    const [a, b] = [deskOver(store), deskOver(store)];
    assert.equal(await a.setKillSwitch(true), true);
    await assert.rejects(b.assertAllowed("place_order", true), coded("READ_ONLY", /kill switch is on/));
    await b.assertAllowed("cancel_order", false);
    await assert.rejects(b.reserve(10), coded("READ_ONLY", /kill switch is on/));
    assert.equal(await b.setKillSwitch(false), false);
    await a.assertAllowed("place_order", true);
  });

  it("ORDER_KILL_SWITCH=true cannot be lifted over the bus, and status says the env set it", async () => {
    const d = deskOver(memoryRiskStore(), { ORDER_KILL_SWITCH: "true" });
    assert.equal(await d.setKillSwitch(false), true);
    assert.equal(await d.killSwitchOn(), true);
    await assert.rejects(d.assertAllowed("preview_order", true), coded("READ_ONLY", /kill switch/));
    const s = await d.status();
    assert.deepEqual(s.risk.killSwitch, { on: true, source: "env" });
    assert.equal(s.risk.store, "memory");
  });

  it("reserve counts against the day's cap in the store; the undo gives it back once", async () => {
    const store = memoryRiskStore();
    const a = deskOver(store);
    const undo = await a.reserve(600);
    await assert.rejects(deskOver(store).reserve(600), coded("INVALID_ARGUMENT", /daily_max_notional/));
    assert.equal(await deskOver(store).dailyUsed(), 600);
    await undo();
    await undo();
    assert.equal(await a.dailyUsed(), 0);
    const s = await a.status();
    assert.equal(s.risk.dailyNotionalUsed, 0);
    assert.equal(s.limits.dailyNotionalUsed, 0);
  });

  it("fails closed when the store cannot be read: no new risk, cancels still work, status says unknown", async () => {
    const d = deskOver(downStore());
    assert.equal(await d.killSwitchOn(), true);
    for (const tool of ["preview_order", "place_order", "modify_order"])
      await assert.rejects(
        d.assertAllowed(tool, true),
        coded("CONNECTOR_UNAVAILABLE", /risk store \(jetstream-kv:ib-mcp-risk-paper/),
      );
    await assert.rejects(d.reserve(1), coded("CONNECTOR_UNAVAILABLE", /risk store/));
    await d.assertAllowed("cancel_order", false);
    await d.assertAllowed("cancel_all_orders", false);
    const s = await d.status();
    assert.deepEqual(s.risk.killSwitch, { on: true, source: "unknown" });
    assert.equal(s.killSwitch, true);
    assert.equal(s.risk.dailyNotionalUsed, undefined);
    assert.match(s.risk.error ?? "", /cannot be read or written/);
    assert.match(s.refusal ?? "", /kill switch counts as on/);
  });

  it("a switch thrown while the store cannot take it still holds in this process", async () => {
    const store = memoryRiskStore();
    let down = false;
    const flaky: RiskStore = {
      ...store,
      name: store.name,
      setKillSwitch: async (on) => {
        if (down) throw riskStoreUnavailable(store.name, new Error("down"));
        await store.setKillSwitch(on);
      },
    };
    const d = deskOver(flaky);
    down = true;
    await assert.rejects(d.setKillSwitch(true), coded("CONNECTOR_UNAVAILABLE", /risk store/));
    down = false;
    assert.equal(await d.killSwitchOn(), true);
    await d.setKillSwitch(false);
    assert.equal(await d.killSwitchOn(), false);
  });

  it("once: a concurrent call shares the outcome; a later call runs again (to ask IB for the current state)", async () => {
    const d = deskOver(memoryRiskStore());
    let sends = 0;
    const send = async () => {
      sends++;
      await new Promise((r) => setTimeout(r, 20));
      return {
        order_id: 7,
        child_order_ids: [],
        order_ref: "r",
        status: sends === 1 ? "Submitted" : "Cancelled",
        filled: 0,
        remaining: 1,
        replayed: sends > 1,
      };
    };
    const [first, concurrent] = await Promise.all([d.once("r", send), d.once("r", send)]);
    assert.equal(sends, 1);
    assert.equal(first.replayed, false);
    assert.equal(concurrent.replayed, true);
    const later = await d.once("r", send);
    assert.equal(sends, 2);
    assert.equal(later.status, "Cancelled");
  });
});
