import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { IbMcpError } from "../shared/errors.ts";
import { findInstrument, type Simulator, startSimulator } from "../sim/index.ts";
import { openMarket } from "../sim/testing/open-market.ts";
import type { ConnectorHandle } from "./connector.ts";
import { testConnector } from "./test-support.ts";

const SECRET = "0123456789abcdef0123456789abcdef-echo";
const ctx = () => ({ requestId: `t-${Math.random().toString(36).slice(2)}`, timeoutMs: 15_000 });
const aapl = findInstrument("AAPL", "STK")!;
let last = aapl.price;
const price = (f: number) => Math.round(last * f * 100) / 100;

describe("IB's echo of placed and modified orders", { timeout: 60_000 }, () => {
  let sim: Simulator;
  let dir: string;
  let auditPath: string;
  const connectors: ConnectorHandle[] = [];
  let clientId = 60;

  /** A fresh trading connector: each case throws its kill switch. */
  async function trader(): Promise<ConnectorHandle> {
    const c = await testConnector(sim.port, {
      IB_CLIENT_ID: String(clientId++),
      IB_READONLY: "false",
      ORDER_TOKEN_SECRET: SECRET,
      AUDIT_LOG_PATH: auditPath,
    });
    connectors.push(c);
    await c.ready(5_000);
    // prices around the last price the band is checked against, far enough not to fill by themselves
    const probe = await run(c, "preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      order_type: "MKT",
    });
    last = probe.reference_price as number;
    return c;
  }
  const run = (c: ConnectorHandle, tool: string, args: unknown) =>
    c.dispatcher(tool, args, ctx()) as Promise<Record<string, unknown>>;
  const working = async (c: ConnectorHandle) =>
    ((await run(c, "get_open_orders", {})).orders as Array<{ orderId: number; totalQuantity: number }>) ?? [];
  const killSwitchOn = async (c: ConnectorHandle) =>
    ((await run(c, "get_connection_status", {})).trading as { killSwitch: boolean }).killSwitch;
  const tripped = (pattern: RegExp) => (err: unknown) => {
    assert.ok(err instanceof IbMcpError, String(err));
    assert.equal(err.code, "READ_ONLY", err.message);
    assert.equal(err.retryable, false);
    assert.match(err.message, pattern);
    assert.match(err.message, /kill switch is now ON/);
    return true;
  };

  before(async () => {
    // real time: the last price must not wander between a preview and the band check of the next
    sim = await startSimulator({ port: 0, timeScale: 1, market: openMarket() });
    dir = await mkdtemp(join(tmpdir(), "ibmcp-echo-"));
    auditPath = join(dir, "audit.jsonl");
  });
  after(async () => {
    for (const c of connectors) await c.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("a bracket whose parent IB holds differently: every leg cancelled, the kill switch on", async () => {
    const c = await trader();
    const p = await run(c, "preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      limit_price: price(0.97),
      take_profit_price: price(1.025),
      stop_loss_price: price(0.965),
    });
    sim.tamperNextOrder({ quantity_factor: 50 });
    await assert.rejects(
      run(c, "place_order", { token: p.token }),
      tripped(
        /quantity: sent 1, IB has 50.*Every leg was cancelled at once \(order \d+ Cancelled, order \d+ Cancelled, order \d+ Cancelled\)/,
      ),
    );
    assert.deepEqual(await working(c), []);
    assert.equal(await killSwitchOn(c), true);
  });

  it("a modification IB holds differently: cancelled, the kill switch on and audited", async () => {
    const c = await trader();
    const p = await run(c, "preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      limit_price: price(0.97),
    });
    const placed = await run(c, "place_order", { token: p.token });
    const m = await run(c, "preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 2,
      limit_price: price(0.975),
      modify_order_id: placed.order_id,
    });
    sim.tamperNextOrder({ limit_price_factor: 0.9 });
    await assert.rejects(
      run(c, "modify_order", { token: m.token }),
      tripped(new RegExp(`order ${placed.order_id} limit_price: sent ${price(0.975)}, IB has`)),
    );
    assert.deepEqual(await working(c), []);
    assert.equal(await killSwitchOn(c), true);
    const lines = (await readFile(auditPath, "utf8")).split("\n").filter(Boolean);
    assert.ok(lines.some((l) => /"event":"kill_switch","tool":"modify_order"/.test(l)));
  });

  it("a faithful echo passes: a real modification changes price and quantity under the same id", async () => {
    const c = await trader();
    const p = await run(c, "preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      limit_price: price(0.97),
      take_profit_price: price(1.025),
      stop_loss_price: price(0.965),
    });
    const placed = await run(c, "place_order", { token: p.token });
    const [tp] = placed.child_order_ids as number[];
    // a bracket leg keeps its parent when its price changes
    const m = await run(c, "preview_order", {
      symbol: "AAPL",
      side: "SELL",
      quantity: 1,
      limit_price: price(1.03),
      modify_order_id: tp,
    });
    const changed = await run(c, "modify_order", { token: m.token });
    assert.equal(changed.order_id, tp);
    assert.equal(await killSwitchOn(c), false);
    await run(c, "cancel_order", { order_id: placed.order_id });
    assert.deepEqual(
      await working(c),
      [],
      "cancelling the parent cancelled the modified child: it kept its parent",
    );
  });
});
