/**
 * Trading fails closed, through the real processes: the MCP SDK client → gateway process → nats-server →
 * connector process → simulator. An unwritable audit log sends nothing; an order IB holds differently from the
 * one sent is cancelled and throws the kill switch; modifications change price, quantity and tif only; quantities
 * below the contract's size rules and non-canonical tokens are refused.
 */
import assert from "node:assert/strict";
import { mkdir, readFile, rmdir } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { signToken } from "../connector/orders/token.ts";
import type { BoundOrder } from "../shared/schemas/order.ts";
import { findInstrument, type Simulator } from "../sim/index.ts";
import { livePriced } from "../sim/testing/live-market.ts";
import { openNow } from "../sim/testing/open-market.ts";
import { textOf } from "./support/stack.ts";
import { startTradingStack, type TradingStack } from "./support/trading-stack.ts";

const SECRET = "e2e-integrity-secret-0123456789abcdef01";
// priced on the simulator's pinned clock: the price bands compare limits with the last price there
const aapl = livePriced(findInstrument("AAPL", "STK")!, openNow());
const msft = livePriced(findInstrument("MSFT", "STK")!, openNow());
type ToolResult = {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content?: unknown;
  _meta?: Record<string, { retryable?: boolean; code?: string } | undefined>;
};
type OpenOrder = { orderId: number; action: string; totalQuantity: number; contract: { symbol: string } };

describe("trading fails closed end to end", { timeout: 90_000 }, () => {
  let stack: TradingStack;
  let sim: Simulator;
  let client: Client;
  let nc: NatsConnection;
  let auditPath: string;

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;
  const auditLines = async () =>
    (await readFile(auditPath, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const openOrders = async () =>
    ((await call("get_open_orders", {})).structuredContent?.orders ?? []) as OpenOrder[];
  // around the simulator's live price, which the preview's ±5% band is checked against
  const price = (f: number) =>
    Math.round(livePriced(findInstrument("AAPL", "STK")!, openNow()).price * f * 100) / 100;
  const limitOrder = (account: string, change: Partial<BoundOrder> = {}): BoundOrder => ({
    conId: aapl.conId,
    symbol: "AAPL",
    sec_type: "STK",
    exchange: "SMART",
    currency: "USD",
    multiplier: 1,
    side: "BUY",
    quantity: 1,
    order_type: "LMT",
    limit_price: price(0.97),
    tif: "DAY",
    outside_rth: false,
    account,
    reference_price: price(0.97),
    notional: price(0.97),
    ...change,
  });

  before(async () => {
    stack = await startTradingStack({
      name: "integrity",
      clientId: "23",
      secret: SECRET,
      simTimeScale: 0.01,
      connectorEnv: { ORDER_MAX_QUANTITY: "10" },
      // a directory where the audit file should be: unwritable whoever runs the test (root included)
      beforeConnector: ({ auditPath }) => mkdir(auditPath).then(() => undefined),
    });
    ({ sim, client, auditPath } = stack);
    nc = await connect({ servers: stack.nats.url });
  });

  after(async () => {
    await nc?.close();
    await stack?.stop();
  });

  it("with AUDIT_LOG_PATH unwritable, place_order sends nothing to IB and says trading is stopped; cancels still go out", async () => {
    sim.resetStats();
    const { token } = signToken(SECRET, "paper", limitOrder(sim.accounts[0]!), 60_000);
    const r = await call("place_order", { token });
    assert.equal(r.isError, true);
    assert.match(
      textOf(r),
      /^READ_ONLY: place_order refused: the audit log .*audit\.jsonl cannot be written \(EISDIR\), so nothing was sent to IB\. Trading is stopped until the operator makes AUDIT_LOG_PATH writable/,
    );
    assert.equal(r._meta?.["ib-mcp/error"]?.retryable, false);
    assert.equal(sim.stats().requests.placeOrder ?? 0, 0, "no order reached the simulator");
    // pulling orders reduces risk: a full disk must not stop it, and the answer says the log failed
    const all = await call("cancel_all_orders", {});
    assert.match(textOf(all), /^READ_ONLY: cancel_all_orders WAS carried out at IB.*cannot be written/);
    assert.equal(sim.stats().requests.reqGlobalCancel ?? 0, 1, "the global cancel reached the simulator");
  });

  it("an order IB holds differently from the one sent is cancelled at once, the kill switch thrown and audited", async () => {
    await rmdir(auditPath);
    const preview = await call("preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      limit_price: price(0.97),
    });
    assert.notEqual(preview.isError, true, textOf(preview));
    sim.resetStats();
    sim.tamperNextOrder({ quantity_factor: 50 });
    const r = await call("place_order", { token: preview.structuredContent?.token });
    assert.equal(r.isError, true);
    const text = textOf(r);
    assert.match(text, /^READ_ONLY: IB's copy of BUY 1 AAPL differs from the order that was sent/);
    assert.match(text, /order (\d+) quantity: sent 1, IB has 50/);
    assert.match(text, /Every leg was cancelled at once \(order \d+ Cancelled\)/);
    assert.match(text, /kill switch is now ON/);
    assert.equal(r._meta?.["ib-mcp/error"]?.retryable, false);
    assert.ok((sim.stats().requests.cancelOrder ?? 0) >= 1, "the cancel reached the simulator");
    assert.deepEqual(await openOrders(), [], "nothing is left working at IB");
    const status = await call("get_connection_status", {});
    assert.equal(
      (status.structuredContent?.trading as { killSwitch?: boolean } | undefined)?.killSwitch,
      true,
    );
    const lines = await auditLines();
    const trip = lines.find((l) => l.event === "kill_switch" && l.tool === "place_order");
    assert.ok(trip, "the kill switch is in the audit log");
    assert.match(JSON.stringify(trip.params), /quantity: sent 1, IB has 50/);
    const intent = lines.findIndex((l) => l.event === "intent" && l.tool === "place_order");
    const refusal = lines.findIndex((l) => l.event === "refused" && l.tool === "place_order");
    assert.ok(intent >= 0 && intent < refusal, "the intent was written before, the refusal after");
    const next = await call("preview_order", { symbol: "AAPL", side: "BUY", quantity: 1, order_type: "MKT" });
    assert.match(textOf(next), /^READ_ONLY: .*kill switch is on/);
    const off = await nc.request("ib.paper.admin.kill_switch", JSON.stringify({ on: false }), {
      timeout: 5_000,
    });
    assert.deepEqual(off.json(), { on: false });
  });

  it("quantities that are fractional or below the contract's minimum size are refused, naming minimum and increment", async () => {
    sim.resetStats();
    for (const quantity of [0.5, 1e-9]) {
      const r = await call("preview_order", { symbol: "AAPL", side: "BUY", quantity, order_type: "MKT" });
      assert.equal(r.isError, true);
      assert.match(
        textOf(r),
        /^INVALID_ARGUMENT: quantity .* is refused for AAPL .*whole shares or contracts only, at least 1, in steps of 1 \(IB's contract details: minimum size 0\.0001, size increment 0\.0001\)/,
      );
    }
    assert.equal(sim.stats().requests.placeOrder ?? 0, 0, "not even a what-if was sent");
  });

  it("modify_order may change price, quantity and time in force only, checked at preview and again at modify", async () => {
    const account = sim.accounts[0]!;
    const first = await call("place_order", {
      token: signToken(SECRET, "paper", limitOrder(account), 60_000).token,
    });
    assert.notEqual(first.isError, true, textOf(first));
    const orderId = first.structuredContent?.order_id as number;
    const swap = await call("preview_order", {
      symbol: "MSFT",
      side: "SELL",
      quantity: 5,
      limit_price: Math.round(msft.price * 100) / 100,
      modify_order_id: orderId,
    });
    assert.equal(swap.isError, true);
    assert.match(
      textOf(swap),
      /^INVALID_ARGUMENT: modify_order may change only the limit or stop price, the quantity and the time in force of order \d+; this change also alters conId \d+ → \d+, symbol AAPL → MSFT, side BUY → SELL/,
    );
    // the same change signed directly, as if a preview had let it through: refused before anything is sent
    sim.resetStats();
    const forged = limitOrder(account, {
      conId: msft.conId,
      symbol: "MSFT",
      side: "SELL",
      quantity: 5,
      limit_price: Math.round(msft.price * 100) / 100,
      reference_price: msft.price,
      notional: Math.round(msft.price * 5 * 100) / 100,
      modify_order_id: orderId,
    });
    const m = await call("modify_order", { token: signToken(SECRET, "paper", forged, 60_000).token });
    assert.equal(m.isError, true);
    assert.match(
      textOf(m),
      /^INVALID_ARGUMENT: modify_order may change only .*symbol AAPL → MSFT, side BUY → SELL/,
    );
    assert.equal(sim.stats().requests.placeOrder ?? 0, 0, "the change was not sent");
    const still = (await openOrders()).find((o) => o.orderId === orderId);
    assert.deepEqual(
      still && [still.contract.symbol, still.action, still.totalQuantity],
      ["AAPL", "BUY", 1],
      "the working order is unchanged",
    );
    const ok = await call("preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 2,
      limit_price: price(0.975),
      tif: "GTC",
      modify_order_id: orderId,
    });
    assert.notEqual(ok.isError, true, textOf(ok));
    const changed = await call("modify_order", { token: ok.structuredContent?.token });
    assert.notEqual(changed.isError, true, textOf(changed));
    const now = (await openOrders()).find((o) => o.orderId === orderId);
    assert.equal(now?.totalQuantity, 2);
    await call("cancel_order", { order_id: orderId });
    const gone = await call("preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      limit_price: price(0.97),
      modify_order_id: orderId,
    });
    assert.match(textOf(gone), /^INVALID_ARGUMENT: order \d+ is not a working order/);
  });

  it("a valid token spelled differently (non-canonical base64url) is refused", async () => {
    const { token } = signToken(SECRET, "paper", limitOrder(sim.accounts[0]!), 60_000);
    const [body, sig] = token.split(".") as [string, string];
    sim.resetStats();
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // the last of 43 characters carries 2 unused bits: flipping one spells the same 32 bytes
    const flipped = `${sig.slice(0, -1)}${alphabet[alphabet.indexOf(sig.at(-1)!) ^ 1]}`;
    // padding is outside the token's alphabet: the tool schema refuses it before the connector sees it
    const padded = await call("place_order", { token: `${body}.${sig}=` });
    assert.equal(padded.isError, true);
    assert.match(textOf(padded), /token/);
    // the flipped bits pass the alphabet: the connector's canonical check refuses them
    const r = await call("place_order", { token: `${body}.${flipped}` });
    assert.match(textOf(r), /^INVALID_ARGUMENT: the confirmation token is not valid/);
    assert.equal(sim.stats().requests.placeOrder ?? 0, 0);
  });
});
