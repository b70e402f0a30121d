/**
 * Trailing stops and the Adaptive algo end to end: MCP SDK client → gateway process → real nats-server → connector
 * process → simulator, trading on and the kinds listed in ORDER_TYPE_ALLOWLIST; and, in the all-in-one process with
 * the default allow-list, the same orders refused before anything reaches IB.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { startAllInOne } from "../cli/all-in-one.ts";
import type { Simulator } from "../sim/index.ts";
import { mcpClient, textOf } from "./support/stack.ts";
import { startTradingStack, type TradingStack } from "./support/trading-stack.ts";

const SECRET = "e2e-order-kinds-secret-0123456789abcdef";
type ToolResult = { isError?: boolean; structuredContent?: Record<string, unknown>; content?: unknown };

describe("trailing stops and the Adaptive algo end to end", { timeout: 90_000 }, () => {
  let stack: TradingStack;
  let sim: Simulator;
  let client: Client;
  let dir: string;
  let auditPath: string;

  const call = async (c: Client, name: string, args: Record<string, unknown>) =>
    (await c.callTool({ name, arguments: args })) as ToolResult;
  const preview = (args: Record<string, unknown>, c = client) =>
    call(c, "preview_order", { symbol: "AAPL", side: "SELL", quantity: 1, ...args });

  before(async () => {
    stack = await startTradingStack({
      name: "kinds",
      clientId: "31",
      secret: SECRET,
      simTimeScale: 0.01,
      mcpPath: "/mcp?toolsets=all",
      connectorEnv: {
        ORDER_TYPE_ALLOWLIST: "MKT,LMT,STP,STP LMT,TRAIL,TRAIL LIMIT,ADAPTIVE,OCA",
        ORDER_SECTYPE_ALLOWLIST: "STK,OPT,BAG",
      },
    });
    ({ sim, client, dir, auditPath } = stack);
  });

  after(async () => {
    await stack?.stop();
  });

  it("previews (IB what-if), places and works each kind: TRAIL, TRAIL LIMIT, Adaptive LMT and MKT", async () => {
    const quote = await call(client, "get_quote", { symbols: ["AAPL"] });
    const last = ((quote.structuredContent?.quotes ?? []) as Array<{ last?: number }>)[0]?.last ?? 100;
    const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ["TRAIL", { order_type: "TRAIL", trailing_percent: 30 }, { trailing_percent: 30 }],
      [
        "TRAIL LIMIT",
        { order_type: "TRAIL LIMIT", trailing_amount: 40, limit_offset: 0.5 },
        { trailing_amount: 40, limit_offset: 0.5 },
      ],
      [
        "Adaptive LMT",
        {
          order_type: "LMT",
          limit_price: Math.round(last * 1.03 * 100) / 100,
          algo: "Adaptive",
          algo_priority: "Patient",
        },
        { algo: "Adaptive", algo_priority: "Patient" },
      ],
      [
        "Adaptive MKT",
        { order_type: "MKT", algo: "Adaptive" },
        { algo: "Adaptive", algo_priority: "Normal" },
      ],
    ];
    for (const [name, args, bound] of cases) {
      sim.resetStats();
      const p = await preview(args);
      assert.notEqual(p.isError, true, `${name}: ${textOf(p)}`);
      const order = p.structuredContent?.order as Record<string, unknown>;
      for (const [k, v] of Object.entries(bound)) assert.equal(order[k], v, `${name}: the token binds ${k}`);
      const whatIf = p.structuredContent?.what_if as { commission?: number };
      assert.ok((whatIf.commission ?? 0) > 0, `${name}: IB's what-if commission is in the preview`);
      const placed = await call(client, "place_order", { token: p.structuredContent?.token });
      assert.notEqual(placed.isError, true, `${name}: ${textOf(placed)}`);
      assert.equal(sim.stats().requests.placeOrder, 2, `${name}: one what-if, one order`);
      if (name === "Adaptive MKT") continue;
      const id = placed.structuredContent?.order_id;
      const open = await call(client, "get_open_orders", {});
      const listed = (open.structuredContent?.orders ?? []) as Array<{ orderId: number; orderType?: string }>;
      assert.ok(
        listed.some((o) => o.orderId === id),
        `${name}: order ${id} is working at IB (echo checked)`,
      );
      const cancelled = await call(client, "cancel_order", { order_id: id });
      assert.notEqual(cancelled.isError, true, `${name}: ${textOf(cancelled)}`);
    }
    const audit = await readFile(auditPath, "utf8");
    assert.match(audit, /"trailing_amount":40/);
    assert.match(audit, /"algo":"Adaptive"/);
  });

  it("places an OCA group from one preview and one token; a fill of one order cancels the others", async () => {
    const quote = await call(client, "get_quote", { symbols: ["AAPL"] });
    const last = ((quote.structuredContent?.quotes ?? []) as Array<{ last?: number }>)[0]?.last ?? 100;
    sim.resetStats();
    const p = await call(client, "preview_order", {
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      order_type: "LMT",
      limit_price: Math.round(last * 0.96 * 100) / 100,
      oca_orders: [
        { order_type: "STP", stop_price: Math.round(last * 1.04 * 100) / 100 },
        { order_type: "MKT" },
      ],
    });
    assert.notEqual(p.isError, true, textOf(p));
    assert.equal((p.structuredContent?.order as { oca_type?: string } | undefined)?.oca_type, "cancel");
    const placed = await call(client, "place_order", { token: p.structuredContent?.token });
    assert.notEqual(placed.isError, true, textOf(placed));
    assert.equal(sim.stats().requests.placeOrder, 4, "one what-if, three orders");
    const first = placed.structuredContent?.order_id as number;
    // the MKT order of the group fills at once and IB cancels the limit and the stop
    const deadline = Date.now() + 20_000;
    let listed: number[] = [first];
    while (Date.now() < deadline) {
      const open = await call(client, "get_open_orders", {});
      listed = ((open.structuredContent?.orders ?? []) as Array<{ orderId: number }>).map((o) => o.orderId);
      if (!listed.includes(first) && !listed.includes(first + 1)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(
      !listed.includes(first) && !listed.includes(first + 1),
      `the group's other orders were cancelled: ${listed}`,
    );
    const execs = await call(client, "get_executions", {});
    const filled = ((execs.structuredContent?.executions ?? []) as Array<{ orderId?: number }>).map(
      (e) => e.orderId,
    );
    assert.ok(
      filled.includes(first + 2),
      `the MKT order of the group filled: ${JSON.stringify(execs.structuredContent)}`,
    );
  });

  it("an option picked by expiry, strike and right: previewed, capped with its multiplier, placed and worked", async () => {
    const chain = await call(client, "get_option_chain", { symbol: "AAPL", max_strikes: 500 });
    assert.notEqual(chain.isError, true, textOf(chain));
    const underlying = (chain.structuredContent?.underlying ?? {}) as { conId?: number };
    const chains = (chain.structuredContent?.chains ?? []) as Array<{
      expirations: string[];
      strikes: number[];
    }>;
    const quote = await call(client, "get_quote", { symbols: ["AAPL"] });
    const last = ((quote.structuredContent?.quotes ?? []) as Array<{ last?: number }>)[0]?.last ?? 100;
    const expiry = chains[0]!.expirations[1]!;
    const strike = chains[0]!.strikes.reduce((a, b) => (Math.abs(b - last) < Math.abs(a - last) ? b : a));
    const option = { expiry, strike, right: "C" };
    sim.resetStats();
    const p = await call(client, "preview_order", {
      symbol: "AAPL",
      sec_type: "OPT",
      option,
      side: "BUY",
      quantity: 1,
      order_type: "MKT",
    });
    assert.notEqual(p.isError, true, textOf(p));
    const order = p.structuredContent?.order as { conId: number; sec_type: string };
    assert.equal(order.sec_type, "OPT");
    assert.notEqual(order.conId, underlying.conId, "the option's own conId is bound");
    const ref = p.structuredContent?.reference_price as number;
    assert.ok(
      Math.abs((p.structuredContent?.notional as number) - ref * 100) < 0.01,
      "notional counts the multiplier",
    );
    // the price band holds the limit to the option's own price, not the underlying's
    const limit = Math.round(ref * 0.98 * 100) / 100;
    const lmt = await call(client, "preview_order", {
      symbol: "AAPL",
      sec_type: "OPT",
      option,
      side: "BUY",
      quantity: 1,
      limit_price: limit,
    });
    assert.notEqual(lmt.isError, true, textOf(lmt));
    const placed = await call(client, "place_order", { token: lmt.structuredContent?.token });
    assert.notEqual(placed.isError, true, textOf(placed));
    assert.equal(sim.stats().requests.placeOrder, 3, "two what-ifs, one order");
    const cancelled = await call(client, "cancel_order", { order_id: placed.structuredContent?.order_id });
    assert.notEqual(cancelled.isError, true, textOf(cancelled));
    // 1 contract fits the notional cap; enough contracts to pass it are refused, naming the cap and quantity × price × 100
    const many = Math.min(100, Math.ceil(10_000 / (ref * 100)) + 1);
    const capped = await call(client, "preview_order", {
      symbol: "AAPL",
      sec_type: "OPT",
      option,
      side: "BUY",
      quantity: many,
      order_type: "MKT",
    });
    assert.equal(capped.isError, true);
    assert.match(textOf(capped), /max_notional: [\d.]+ exceeds the limit 10000/);
    const missing = await call(client, "preview_order", {
      symbol: "AAPL",
      sec_type: "OPT",
      side: "BUY",
      quantity: 1,
      order_type: "MKT",
    });
    assert.match(textOf(missing), /^INVALID_ARGUMENT: .*OPT orders need option \{expiry, strike, right\}/);
    const none = await call(client, "preview_order", {
      symbol: "AAPL",
      sec_type: "OPT",
      option: { ...option, strike: 1.5 },
      side: "BUY",
      quantity: 1,
      order_type: "MKT",
    });
    assert.match(textOf(none), /^NOT_FOUND: No security definition for AAPL \d{8} 1.5 C option/);
    assert.equal(sim.stats().requests.placeOrder, 3, "no refused preview reached IB");
  });

  it("combos (BAG): a vertical and an iron condor previewed with IB's what-if, banded at the net price, placed, echoed leg by leg", async () => {
    const chain = await call(client, "get_option_chain", { symbol: "AAPL", max_strikes: 500 });
    const [c0] = (chain.structuredContent?.chains ?? []) as Array<{
      expirations: string[];
      strikes: number[];
    }>;
    const quote = await call(client, "get_quote", { symbols: ["AAPL"] });
    const last = ((quote.structuredContent?.quotes ?? []) as Array<{ last?: number }>)[0]?.last ?? 100;
    const expiry = c0!.expirations[1]!;
    const atm = c0!.strikes.findIndex((k) => k >= last);
    const k = (d: number) => c0!.strikes[atm + d]!;
    const leg = (strike: number, right: string, action: string) => ({ expiry, strike, right, action });
    const combos: Array<[string, string, Array<Record<string, unknown>>]> = [
      ["vertical", "BUY", [leg(k(0), "C", "BUY"), leg(k(2), "C", "SELL")]],
      [
        "iron condor",
        "SELL",
        [leg(k(-4), "P", "SELL"), leg(k(-2), "P", "BUY"), leg(k(2), "C", "BUY"), leg(k(4), "C", "SELL")],
      ],
    ];
    for (const [name, side, legs] of combos) {
      sim.resetStats();
      const base = { symbol: "AAPL", sec_type: "BAG", side, quantity: 1, order_type: "LMT", legs };
      // a far price is refused by the band, which names the combo's net price
      let p = await call(client, "preview_order", { ...base, limit_price: 0.01 });
      let limit = 0.01;
      // the legs' prices move between calls: price again from the band's latest net (a few tries)
      for (let tries = 0; tries < 3 && p.isError; tries++) {
        const m = /price_band:limit_price: .* of last ([\d.]+)/.exec(textOf(p));
        assert.ok(m, `${name}: ${textOf(p)}`);
        // inside the band, but away from the market on the safe side, so the combo rests until cancelled
        limit = Math.round(Number(m[1]) * (side === "BUY" ? 0.98 : 1.02) * 100) / 100;
        p = await call(client, "preview_order", { ...base, limit_price: limit });
      }
      assert.notEqual(p.isError, true, `${name}: ${textOf(p)}`);
      assert.ok(
        Math.abs((p.structuredContent?.notional as number) - limit * 100) < 0.01,
        `${name}: limit × 100`,
      );
      const whatIf = p.structuredContent?.what_if as { commission?: number };
      assert.ok((whatIf.commission ?? 0) > 0, `${name}: IB's what-if for the whole combo`);
      const placed = await call(client, "place_order", { token: p.structuredContent?.token });
      assert.notEqual(placed.isError, true, `${name}: ${textOf(placed)}`);
      assert.equal(sim.stats().requests.placeOrder, 2, `${name}: one what-if, one combo order`);
      const cancelled = await call(client, "cancel_order", { order_id: placed.structuredContent?.order_id });
      assert.notEqual(cancelled.isError, true, `${name}: ${textOf(cancelled)}`);
    }
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ legs: undefined }, /^INVALID_ARGUMENT: .*BAG orders need legs/],
      [{ order_type: "MKT", limit_price: undefined }, /^INVALID_ARGUMENT: .*BAG orders are LMT/],
      [{ legs: [leg(k(0), "C", "BUY"), leg(k(0), "C", "SELL")] }, /^INVALID_ARGUMENT: .*repeats another leg/],
      [{ legs: [leg(k(0), "C", "BUY"), leg(1.5, "C", "SELL")] }, /^NOT_FOUND: .*legs\[1\]/],
      [{ quantity: 101 }, /max_quantity: 101 exceeds the limit 100/],
      [
        { legs: [leg(k(0), "C", "SELL"), leg(k(2), "C", "BUY")] },
        /^INVALID_ARGUMENT: these legs cost -[\d.]+ per combo as bought, not a debit; reverse each leg's action and SELL/,
      ],
    ];
    sim.resetStats();
    for (const [args, pattern] of bad) {
      const r = await call(client, "preview_order", {
        symbol: "AAPL",
        sec_type: "BAG",
        side: "BUY",
        quantity: 1,
        order_type: "LMT",
        limit_price: 1,
        legs: [leg(k(0), "C", "BUY"), leg(k(2), "C", "SELL")],
        ...args,
      });
      assert.match(textOf(r), pattern);
    }
    assert.equal(sim.stats().requests.placeOrder ?? 0, 0, "no refused combo reached IB");
  });

  it("refuses malformed trailing stops and algos with INVALID_ARGUMENT naming the field, sending nothing", async () => {
    sim.resetStats();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ order_type: "TRAIL" }, /TRAIL orders need exactly one of trailing_amount and trailing_percent/],
      [{ order_type: "TRAIL LIMIT", trailing_amount: 1 }, /TRAIL LIMIT orders need limit_offset/],
      [{ order_type: "TRAIL", trailing_amount: 1, stop_price: 5 }, /take no limit_price or stop_price/],
      [{ order_type: "STP", stop_price: 1, algo: "Adaptive" }, /Adaptive algo works MKT and LMT orders only/],
      [{ order_type: "MKT", algo: "Vwap" }, /algo/],
      [{ order_type: "TRAIL", trailing_percent: 101 }, /trailing_percent/],
      [
        { order_type: "MKT", oca_orders: [{ order_type: "LMT" }] },
        /oca_orders\[0\]: LMT orders need limit_price/,
      ],
      [
        { order_type: "MKT", option: { expiry: "20300118", strike: 100, right: "C" } },
        /set sec_type OPT \(not STK\)/,
      ],
      [
        { order_type: "MKT", sec_type: "OPT", option: { expiry: "2030-01-18", strike: 100, right: "C" } },
        /expiry/,
      ],
    ];
    for (const [args, pattern] of cases) {
      const r = await preview(args);
      assert.equal(r.isError, true, JSON.stringify(args));
      assert.match(textOf(r), /INVALID_ARGUMENT/);
      assert.match(textOf(r), pattern);
    }
    assert.equal(sim.stats().requests.placeOrder ?? 0, 0, "nothing reached IB");
  });

  it("with the default ORDER_TYPE_ALLOWLIST each new kind is refused, naming the limit", async () => {
    const aio = await startAllInOne({
      TRADING_MODE: "paper",
      MCP_ENABLE_TRADING: "true",
      IB_READONLY: "false",
      ORDER_TOKEN_SECRET: SECRET,
      IB_HOST: "127.0.0.1",
      IB_PORT: String(sim.port),
      IB_CLIENT_ID: "32",
      PORT: "0",
      AUDIT_LOG_PATH: join(dir, "aio-audit.jsonl"),
      LOG_LEVEL: "silent",
    });
    const c = await mcpClient(`${aio.url}?toolsets=all`);
    try {
      sim.resetStats();
      for (const [args, kind] of [
        [{ order_type: "TRAIL", trailing_amount: 1 }, "TRAIL"],
        [{ order_type: "TRAIL LIMIT", trailing_amount: 1, limit_offset: 0.1 }, "TRAIL LIMIT"],
        [{ order_type: "MKT", algo: "Adaptive" }, "Adaptive"],
        [{ order_type: "MKT", oca_orders: [{ order_type: "MKT" }] }, "OCA"],
      ] as const) {
        const r = await preview(args, c);
        assert.equal(r.isError, true, kind);
        assert.match(
          textOf(r),
          new RegExp(
            `^INVALID_ARGUMENT: .*order_type_allowlist: ${kind} exceeds the limit MKT,LMT,STP,STP LMT`,
          ),
        );
      }
      const chain = await call(c, "get_option_chain", { symbol: "AAPL" });
      const [first] = (chain.structuredContent?.chains ?? []) as Array<{
        expirations: string[];
        strikes: number[];
      }>;
      const option = { expiry: first!.expirations[0], strike: first!.strikes[0], right: "P" };
      const opt = await preview({ sec_type: "OPT", option, order_type: "MKT" }, c);
      assert.match(textOf(opt), /^INVALID_ARGUMENT: .*sec_type_allowlist: OPT exceeds the limit STK/);
      const legs = [
        { ...option, right: "C", action: "BUY" },
        { ...option, right: "C", strike: first!.strikes[1], action: "SELL" },
      ];
      const combo = await preview({ sec_type: "BAG", legs, order_type: "LMT", limit_price: 1 }, c);
      assert.match(textOf(combo), /^INVALID_ARGUMENT: .*sec_type_allowlist: BAG exceeds the limit STK/);
      assert.equal(sim.stats().requests.placeOrder ?? 0, 0, "nothing reached IB");
    } finally {
      await c.close();
      await aio.close();
    }
  });
});
