import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { IbMcpError } from "../shared/errors.ts";
import type { BoundOrder } from "../shared/schemas/order.ts";
import { findTool } from "../shared/tools/index.ts";
import { findInstrument, type Simulator, startSimulator } from "../sim/index.ts";
import { livePriced } from "../sim/testing/live-market.ts";
import { openMarket, openNow } from "../sim/testing/open-market.ts";
import type { ConnectorHandle } from "./connector.ts";
import type { IbOrders } from "./ib/requests/orders.ts";
import { signToken } from "./orders/token.ts";
import { testConnector } from "./test-support.ts";

const SECRET = "0123456789abcdef0123456789abcdef-test";
const ctx = () => ({ requestId: `t-${Math.random().toString(36).slice(2)}`, timeoutMs: 10_000 });
// priced where the simulator quotes and fills it now (its one price path), not at the reference price
const aapl = livePriced(findInstrument("AAPL", "STK")!, openNow());

const refused = (code: string, pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof IbMcpError, `expected an IbMcpError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.match(err.message, pattern);
  return true;
};

/** Records what-if checks instead of sending them: the simulator places what-if orders as real ones. */
const whatIfStandIn =
  (seen: BoundOrder[]) =>
  (real: IbOrders): IbOrders => ({
    ...real,
    whatIf: async (o) => {
      seen.push(o);
      return { status: "PreSubmitted", commission: 1 };
    },
  });

/** A connector trading against the simulator; the simulator has no what-if, so that one call is recorded instead. */
async function tradingConnector(sim: Simulator, audit: string, extra: Record<string, string> = {}) {
  const whatIfs: BoundOrder[] = [];
  const connector = await testConnector(
    sim.port,
    { IB_READONLY: "false", ORDER_TOKEN_SECRET: SECRET, AUDIT_LOG_PATH: audit, ...extra },
    { wrapOrders: whatIfStandIn(whatIfs) },
  );
  await connector.ready(5_000);
  return { connector, whatIfs };
}

describe("order tools against the simulator", { timeout: 30_000 }, () => {
  let sim: Simulator;
  let dir: string;
  let auditPath: string;
  let connector: ConnectorHandle;
  let whatIfs: BoundOrder[];
  const extraConnectors: ConnectorHandle[] = [];

  async function call(c: ConnectorHandle, tool: string, args: unknown): Promise<Record<string, unknown>> {
    const out = await c.dispatcher(tool, args, ctx());
    const parsed = findTool(tool)!.output.safeParse(out);
    assert.ok(parsed.success, `${tool} output does not match its schema: ${parsed.error?.message}`);
    return out as Record<string, unknown>;
  }
  const auditLines = async () =>
    (await readFile(auditPath, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const other = async (extra: Record<string, string>, standIn = true) => {
    const c = await testConnector(
      sim.port,
      {
        IB_CLIENT_ID: String(10 + extraConnectors.length),
        ORDER_TOKEN_SECRET: SECRET,
        AUDIT_LOG_PATH: auditPath,
        ...extra,
      },
      standIn ? { wrapOrders: whatIfStandIn([]) } : {},
    );
    extraConnectors.push(c);
    return c;
  };

  before(async () => {
    sim = await startSimulator({ port: 0, timeScale: 0.01, market: openMarket() });
    dir = await mkdtemp(join(tmpdir(), "ibmcp-orders-"));
    auditPath = join(dir, "audit.jsonl");
    ({ connector, whatIfs } = await tradingConnector(sim, auditPath, { ORDER_SYMBOL_DENYLIST: "TSLA" }));
  });
  beforeEach(() => sim.resetStats());
  after(async () => {
    for (const c of extraConnectors) await c.close();
    await connector?.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("MKT: preview binds the order, place sends it once and it fills; the same token again returns the same id", async () => {
    const p = await call(connector, "preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 2,
      order_type: "MKT",
    });
    assert.equal(p.account, sim.accounts[0]);
    assert.equal(whatIfs.at(-1)?.conId, aapl.conId);
    assert.equal(whatIfs.at(-1)?.quantity, 2);
    assert.equal(sim.stats().requests.placeOrder ?? 0, 0, "a preview must not place anything");
    const first = await call(connector, "place_order", { token: p.token, client_info: "test agent" });
    assert.equal(first.replayed, false);
    assert.match(String(first.order_ref), /^ibmcp-[0-9a-f]{16}$/);
    const again = await call(connector, "place_order", { token: p.token });
    assert.equal(again.order_id, first.order_id);
    assert.equal(again.replayed, true);
    assert.equal(sim.stats().requests.placeOrder, 1);
    const lines = await auditLines();
    const placed = lines.filter((l) => l.event === "place" && l.orderId === first.order_id);
    assert.equal(placed.length, 2);
    assert.equal(placed[0]?.clientInfo, "test agent");
    assert.equal(placed[0]?.account, sim.accounts[0]);
  });

  it("concurrent place_order calls with one token send one order", async () => {
    const p = await call(connector, "preview_order", {
      symbol: "AAPL",
      side: "SELL",
      quantity: 1,
      order_type: "MKT",
    });
    const outs = await Promise.all([1, 2, 3].map(() => call(connector, "place_order", { token: p.token })));
    assert.equal(new Set(outs.map((o) => o.order_id)).size, 1);
    assert.equal(sim.stats().requests.placeOrder, 1);
  });

  it("LMT rests, cancel_order cancels it, cancel_all_orders cancels the rest", async () => {
    const limit = Math.round(aapl.price * 0.97 * 100) / 100;
    const p = await call(connector, "preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      order_type: "LMT",
      limit_price: limit,
    });
    const placed = await call(connector, "place_order", { token: p.token });
    assert.equal(placed.status, "Submitted");
    const cancelled = await call(connector, "cancel_order", { order_id: placed.order_id });
    assert.equal(cancelled.status, "Cancelled");
    const p2 = await call(connector, "preview_order", {
      conId: aapl.conId,
      side: "BUY",
      quantity: 1,
      order_type: "LMT",
      limit_price: limit,
    });
    const second = await call(connector, "place_order", { token: p2.token });
    const all = await call(connector, "cancel_all_orders", {});
    assert.deepEqual(all.cancelled_order_ids, [second.order_id]);
    assert.equal(sim.stats().requests.reqGlobalCancel, 1);
  });

  it("modify_order applies a previewed change to a working order; place_order refuses that token", async () => {
    // The simulator leaks the replaced order's price watcher on a same-id placeOrder (it keeps the process
    // alive), so the modification itself is recorded here; placing and cancelling are real.
    const modified: Array<{ orderId: number; order: BoundOrder; orderRef: string }> = [];
    const c = await testConnector(
      sim.port,
      { IB_CLIENT_ID: "30", IB_READONLY: "false", ORDER_TOKEN_SECRET: SECRET, AUDIT_LOG_PATH: auditPath },
      {
        wrapOrders: (real) => ({
          ...whatIfStandIn([])(real),
          modify: async (orderId, order, orderRef) => {
            modified.push({ orderId, order, orderRef });
            return { orderId, childOrderIds: [], status: "Submitted", filled: 0, remaining: order.quantity };
          },
        }),
      },
    );
    extraConnectors.push(c);
    await c.ready(5_000);
    const limit = Math.round(aapl.price * 0.97 * 100) / 100;
    const p = await call(c, "preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      limit_price: limit,
    });
    const placed = await call(c, "place_order", { token: p.token });
    const m = await call(c, "preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 3,
      limit_price: limit,
      modify_order_id: placed.order_id,
    });
    await assert.rejects(
      c.dispatcher("place_order", { token: m.token }, ctx()),
      refused("INVALID_ARGUMENT", /modify_order/),
    );
    await assert.rejects(
      c.dispatcher("modify_order", { token: p.token }, ctx()),
      refused("INVALID_ARGUMENT", /place_order/),
    );
    const changed = await call(c, "modify_order", { token: m.token });
    const again = await call(c, "modify_order", { token: m.token });
    assert.equal(changed.order_id, placed.order_id);
    assert.equal(again.replayed, true);
    assert.equal(modified.length, 1, "the same modify token changed the order twice");
    assert.equal(modified[0]?.orderId, placed.order_id);
    assert.equal(modified[0]?.order.quantity, 3);
    assert.equal(modified[0]?.orderRef, changed.order_ref);
    const lines = await auditLines();
    assert.ok(lines.some((l) => l.event === "modify" && l.orderId === placed.order_id));
    await call(c, "cancel_order", { order_id: placed.order_id });
  });

  it("STP, STP LMT and brackets: preview, then place sends exactly the bound orders with the token's orderRef", async () => {
    const cases = [
      { order_type: "STP", stop_price: Math.round(aapl.price * 1.02), orders: 1 },
      {
        order_type: "STP LMT",
        stop_price: Math.round(aapl.price * 1.02),
        limit_price: Math.round(aapl.price * 1.03),
        orders: 1,
      },
      {
        order_type: "LMT",
        limit_price: Math.round(aapl.price * 0.98),
        take_profit_price: Math.round(aapl.price * 1.02),
        stop_loss_price: Math.round(aapl.price * 0.97),
        orders: 3,
      },
    ];
    for (const { orders, ...c } of cases) {
      const p = await call(connector, "preview_order", { symbol: "AAPL", side: "BUY", quantity: 1, ...c });
      assert.equal(whatIfs.at(-1)?.order_type, c.order_type);
      const before = sim.stats().requests.placeOrder ?? 0;
      const placed = await call(connector, "place_order", { token: p.token });
      assert.equal(typeof placed.order_id, "number");
      assert.match(String(placed.order_ref), /^ibmcp-[0-9a-f]{16}$/);
      assert.equal((sim.stats().requests.placeOrder ?? 0) - before, orders, `${c.order_type}: orders sent`);
      const open = (await call(connector, "get_open_orders", {})) as { orders: Array<{ orderId: number }> };
      assert.ok(
        open.orders.some((o) => o.orderId === placed.order_id),
        `${c.order_type} order ${placed.order_id} is working at IB`,
      );
    }
    await call(connector, "cancel_all_orders", {});
  });

  it("every cap refuses before anything reaches IB, naming the limit", async () => {
    const base = { symbol: "AAPL", side: "BUY", quantity: 1, order_type: "LMT", limit_price: aapl.price };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ quantity: 101, limit_price: 1 }, /max_quantity/],
      [{ quantity: 50 }, /max_notional/],
      [{ symbol: "TSLA", limit_price: findInstrument("TSLA", "STK")!.price }, /symbol_denylist/],
      [{ limit_price: Math.round(aapl.price * 1.2) }, /price_band:limit_price/],
      [
        { symbol: "EUR", sec_type: "CASH", exchange: "IDEALPRO", order_type: "MKT", limit_price: undefined },
        /sec_type_allowlist/,
      ],
    ];
    const auditBefore = (await auditLines()).length;
    for (const [change, pattern] of cases) {
      await assert.rejects(
        connector.dispatcher("preview_order", { ...base, ...change }, ctx()),
        refused("INVALID_ARGUMENT", pattern),
      );
    }
    assert.equal(sim.stats().requests.placeOrder ?? 0, 0);
    const lines = (await auditLines()).slice(auditBefore);
    assert.equal(lines.filter((l) => l.event === "refused").length, cases.length);
  });

  it("the daily notional cap counts placed orders", async () => {
    const c = await other({ IB_READONLY: "false", ORDER_DAILY_MAX_NOTIONAL: "400" });
    await c.ready(5_000);
    const order = { symbol: "AAPL", side: "BUY", quantity: 1, order_type: "MKT" };
    // the preview passes at 0 used; two previews, the first placement uses up the day
    const p1 = (await c.dispatcher("preview_order", order, ctx())) as { token: string };
    const p2 = (await c.dispatcher("preview_order", order, ctx())) as { token: string };
    await c.dispatcher("place_order", { token: p1.token }, ctx());
    await c.dispatcher("place_order", { token: p1.token }, ctx());
    const before = sim.stats().requests.placeOrder ?? 0;
    await assert.rejects(
      c.dispatcher("place_order", { token: p2.token }, ctx()),
      refused("INVALID_ARGUMENT", /daily_max_notional/),
    );
    await assert.rejects(
      c.dispatcher("preview_order", order, ctx()),
      refused("INVALID_ARGUMENT", /daily_max_notional/),
    );
    assert.equal(sim.stats().requests.placeOrder ?? 0, before);
    const s = (await c.dispatcher("get_connection_status", {}, ctx())) as {
      trading?: { limits: { dailyNotionalUsed: number } };
    };
    assert.ok((s.trading?.limits.dailyNotionalUsed ?? 0) > 200);
  });

  it("refuses tokens that are altered, expired, or from the other mode", async () => {
    const p = (await call(connector, "preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      order_type: "MKT",
    })) as { token: string };
    const [body, sig] = p.token.split(".") as [string, string];
    const payload = JSON.parse(Buffer.from(body, "base64url").toString());
    payload.order.quantity = 90;
    const altered = `${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${sig}`;
    await assert.rejects(
      connector.dispatcher("place_order", { token: altered }, ctx()),
      refused("INVALID_ARGUMENT", /not valid/),
    );
    const order = { ...payload.order, quantity: 1 } as BoundOrder;
    const expired = signToken(SECRET, "paper", order, 1_000, Date.now() - 5_000).token;
    await assert.rejects(
      connector.dispatcher("place_order", { token: expired }, ctx()),
      refused("INVALID_ARGUMENT", /expired/),
    );
    const live = signToken(SECRET, "live", order, 60_000).token;
    await assert.rejects(
      connector.dispatcher("place_order", { token: live }, ctx()),
      refused("INVALID_ARGUMENT", /issued for live/),
    );
    assert.equal(sim.stats().requests.placeOrder ?? 0, 0);
  });

  it("the env kill switch stops previews, placements and modifications but not cancels", async () => {
    const c = await other({ IB_READONLY: "false", ORDER_KILL_SWITCH: "true" });
    await c.ready(5_000);
    const order = { ...(await tokenFor(connector)).order, quantity: 1 } as BoundOrder;
    const token = signToken(SECRET, "paper", order, 60_000).token;
    await assert.rejects(
      c.dispatcher("preview_order", { symbol: "AAPL", side: "BUY", quantity: 1, order_type: "MKT" }, ctx()),
      refused("READ_ONLY", /kill switch/),
    );
    await assert.rejects(c.dispatcher("place_order", { token }, ctx()), refused("READ_ONLY", /kill switch/));
    await assert.rejects(c.dispatcher("modify_order", { token }, ctx()), refused("READ_ONLY", /kill switch/));
    const all = (await c.dispatcher("cancel_all_orders", {}, ctx())) as { status: string };
    assert.match(all.status, /global cancel/);
    const s = (await c.dispatcher("get_connection_status", {}, ctx())) as {
      trading?: { killSwitch: boolean };
    };
    assert.equal(s.trading?.killSwitch, true);
    assert.equal(sim.stats().requests.placeOrder ?? 0, 0);
  });

  it("live mode without CONNECTOR_ALLOW_LIVE_TRADING refuses every order tool, naming the switch", async () => {
    const c = await other({ IB_READONLY: "false", TRADING_MODE: "live", IB_PORT: String(sim.port) });
    for (const [tool, args] of [
      ["preview_order", { symbol: "AAPL", side: "BUY", quantity: 1, order_type: "MKT" }],
      ["place_order", { token: "x.y" }],
      ["cancel_order", { order_id: 1 }],
      ["cancel_all_orders", {}],
    ] as const) {
      await assert.rejects(
        c.dispatcher(tool, args, ctx()),
        refused("READ_ONLY", /CONNECTOR_ALLOW_LIVE_TRADING=true is missing/),
      );
    }
  });

  it("a read-only connector refuses order tools and reports its limits", async () => {
    const c = await other({});
    await assert.rejects(
      c.dispatcher("cancel_all_orders", {}, ctx()),
      refused("READ_ONLY", /IB_READONLY=true/),
    );
    const s = (await c.dispatcher("get_connection_status", {}, ctx())) as {
      trading?: { enabled: boolean; limits: { maxQuantity: number; secTypeAllowlist: string[] } };
    };
    assert.equal(s.trading?.enabled, false);
    assert.equal(s.trading?.limits.maxQuantity, 100);
    assert.deepEqual(s.trading?.limits.secTypeAllowlist, ["STK"]);
  });

  it("without the stand-in, IB's own what-if answers with commission and margin and places nothing", async () => {
    const c = await other({ IB_READONLY: "false" }, false);
    await c.ready(5_000);
    const limit = Math.round(aapl.price * 0.97 * 100) / 100;
    const p = (await c.dispatcher(
      "preview_order",
      { symbol: "AAPL", side: "BUY", quantity: 1, limit_price: limit },
      ctx(),
    )) as { what_if: { commission?: number; init_margin_change?: number } };
    assert.ok((p.what_if.commission ?? 0) > 0, "IB's commission estimate is reported");
    assert.ok((p.what_if.init_margin_change ?? 0) > 0, "IB's margin impact is reported");
    const open = (await call(c, "get_open_orders", {})) as { orders: Array<{ lmtPrice?: number }> };
    assert.equal(open.orders.length, 0, "a what-if leaves no working order");
    assert.equal(sim.stats().requests.cancelOrder ?? 0, 0, "nothing had to be cancelled");
  });

  it("cancel_all_orders from another client returns at once and cancels orders it gets no status for", async () => {
    const limit = Math.round(aapl.price * 0.97 * 100) / 100;
    const p = await call(connector, "preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      limit_price: limit,
    });
    const placed = await call(connector, "place_order", { token: p.token });
    const c = await other({ IB_READONLY: "false" });
    await c.ready(5_000);
    const started = Date.now();
    await call(c, "cancel_all_orders", {});
    assert.ok(
      Date.now() - started < 3_000,
      "it did not wait for statuses IB sends only to the placing client",
    );
    const until = Date.now() + 3_000;
    let open: Array<{ orderId: number }> = [];
    do {
      open = ((await call(connector, "get_open_orders", {})) as { orders: Array<{ orderId: number }> })
        .orders;
    } while (open.some((o) => o.orderId === placed.order_id) && Date.now() < until);
    assert.ok(!open.some((o) => o.orderId === placed.order_id), "IB's global cancel reached the order");
  });

  it("the audit log holds no token and no secret", async () => {
    const text = await readFile(auditPath, "utf8");
    assert.ok(text.length > 0);
    assert.ok(!text.includes(SECRET));
    assert.ok(!/"token"/.test(text));
    assert.ok(
      !/[A-Za-z0-9_-]{40,}\.[A-Za-z0-9_-]{40,}/.test(text),
      "a token-shaped string is in the audit log",
    );
  });
});

/** A bound order from a real preview, to sign variants of. */
async function tokenFor(c: ConnectorHandle): Promise<{ order: BoundOrder }> {
  const p = (await c.dispatcher(
    "preview_order",
    { symbol: "AAPL", side: "BUY", quantity: 1, order_type: "MKT" },
    ctx(),
  )) as { token: string };
  const body = p.token.split(".")[0] ?? "";
  return JSON.parse(Buffer.from(body, "base64url").toString()) as { order: BoundOrder };
}
