/**
 * Scanner, order history and price-increment tools end to end: the MCP SDK client → a gateway process → a real
 * nats-server → a connector process → the simulator process. One stack for every case.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { OPEN_CLOCK_ARGS } from "../sim/testing/open-market.ts";
import { mcpClient, type NatsStack, startNatsStack, textOf } from "./support/stack.ts";

type Row = Record<string, unknown>;
type ToolResult = { isError?: boolean; structuredContent?: Row };

describe("scanner, order history and market rules (MCP client → gateway → NATS → connector → simulator)", {
  timeout: 90_000,
}, () => {
  let stack: NatsStack;
  let client: Client;
  let dir: string;

  const call = async (name: string, args: Row) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;
  const ok = async <T = Row>(name: string, args: Row): Promise<T> => {
    const r = await call(name, args);
    assert.notEqual(r.isError, true, `${name} ${JSON.stringify(args)}: ${textOf(r)}`);
    assert.ok(r.structuredContent, `${name} returns structured content`);
    return r.structuredContent as T;
  };
  /** Calls a tool that must fail with `code`; returns its message. */
  const fails = async (name: string, args: Row, code: string): Promise<string> => {
    const r = await call(name, args);
    assert.equal(r.isError, true, `${name} ${JSON.stringify(args)} fails`);
    const text = textOf(r);
    assert.match(text, new RegExp(code), text);
    return text;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ibmcp-e2e-scanner-"));
    stack = await startNatsStack({
      clientId: "41",
      simArgs: OPEN_CLOCK_ARGS,
      connectorEnv: {
        IB_READONLY: "false",
        ORDER_TOKEN_SECRET: "e2e-scanner-orders-rules-secret-0123456789",
        AUDIT_LOG_PATH: join(dir, "audit.jsonl"),
      },
      gatewayEnv: { MCP_ENABLE_TRADING: "true" },
    });
    client = await mcpClient(`${stack.gateways[0]!.base}/mcp?toolsets=all`);
  });

  after(async () => {
    await client?.close();
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe("get_market_rule", () => {
    type Rules = {
      contract: { conId: number; symbol: string };
      rules: Array<{
        ruleId: number;
        exchanges: string[];
        increments: Array<{ lowEdge: number; increment: number }>;
      }>;
      atPrice?: { price: number; increment: number; valid: boolean; below: number; above: number };
    };

    it("gives a US stock a penny increment and snaps an off-tick price to its neighbours", async () => {
      const out = await ok<Rules>("get_market_rule", { symbol: "AAPL", price: 187.123 });
      assert.equal(out.contract.symbol, "AAPL");
      assert.deepEqual(out.rules[0]?.increments, [{ lowEdge: 0, increment: 0.01 }]);
      assert.ok(out.rules[0]?.exchanges.includes("NASDAQ"));
      assert.deepEqual(out.atPrice, {
        price: 187.123,
        ruleId: 26,
        increment: 0.01,
        valid: false,
        below: 187.12,
        above: 187.13,
      });
    });

    it("gives an SPX option a nickel below 3 and a dime from 3", async () => {
      const chain = await ok<{
        chains: Array<{ tradingClass: string; expirations: string[]; strikes: number[] }>;
      }>("get_option_chain", { symbol: "SPX", sec_type: "IND", trading_class: "SPX" });
      const c = chain.chains[0]!;
      const strike = c.strikes[Math.floor(c.strikes.length / 2)]!;
      const quotes = await ok<{ quotes: Array<{ contract: { conId: number } }> }>("get_option_quotes", {
        symbol: "SPX",
        sec_type: "IND",
        expiry: c.expirations[0],
        strikes: [strike],
        right: "C",
        trading_class: "SPX",
      });
      const conId = quotes.quotes[0]!.contract.conId;
      const out = await ok<Rules>("get_market_rule", { symbol: String(conId), sec_type: "OPT", price: 4.07 });
      assert.deepEqual(out.rules.find((r) => r.ruleId === 32)?.increments, [
        { lowEdge: 0, increment: 0.05 },
        { lowEdge: 3, increment: 0.1 },
      ]);
      assert.equal(out.atPrice?.increment, 0.1);
      assert.equal(out.atPrice?.below, 4);
      assert.equal(out.atPrice?.above, 4.1);
    });

    it("answers NOT_FOUND naming the instrument for an unknown symbol", async () => {
      const text = await fails("get_market_rule", { symbol: "NOSUCHX" }, "NOT_FOUND");
      assert.match(text, /NOSUCHX/);
    });

    it("refuses a negative price with INVALID_ARGUMENT naming the field", async () => {
      const text = await fails("get_market_rule", { symbol: "AAPL", price: -1 }, "INVALID_ARGUMENT|price");
      assert.match(text, /price/);
    });
  });
  describe("order history: get_completed_orders and get_order_status", () => {
    type Placed = { order_id: number; order_ref: string };
    type Status = {
      orderId?: number;
      orderRef?: string;
      status: string;
      working: boolean;
      filled: number;
      remaining: number;
      avgFillPrice?: number;
      commission?: number;
      executions: Array<{ shares: number; price: number; commission?: number }>;
    };
    type Completed = {
      orderId?: number;
      orderRef?: string;
      status: string;
      filled: number;
      completedTime?: string;
    };
    let market: Placed;
    let limit: Placed;

    const place = async (args: Row): Promise<Placed> => {
      const preview = await ok<{ token: string }>("preview_order", {
        symbol: "AAPL",
        side: "BUY",
        quantity: 2,
        ...args,
      });
      return ok<Placed>("place_order", { token: preview.token });
    };

    before(async () => {
      market = await place({ order_type: "MKT" });
      const quote = await ok<{ quotes: Array<{ last?: number; close?: number }> }>("get_quote", {
        symbols: ["AAPL"],
      });
      const last = quote.quotes[0]?.last ?? quote.quotes[0]?.close ?? 100;
      limit = await place({ order_type: "LMT", limit_price: Math.round(last * 96) / 100 });
    });

    it("shows a working order by its order_ref with nothing filled", async () => {
      const out = await ok<{ orders: Status[] }>("get_order_status", { order_ref: limit.order_ref });
      assert.equal(out.orders.length, 1);
      assert.equal(out.orders[0]?.orderId, limit.order_id);
      assert.equal(out.orders[0]?.working, true);
      assert.equal(out.orders[0]?.filled, 0);
      assert.equal(out.orders[0]?.remaining, 2);
      assert.deepEqual(out.orders[0]?.executions, []);
    });

    it("shows a filled order by its id with the fills, average price and commission behind it", async () => {
      const until = Date.now() + 10_000;
      let s: Status | undefined;
      do {
        s = (await ok<{ orders: Status[] }>("get_order_status", { order_id: market.order_id })).orders[0];
        if (s?.status === "Filled") break;
        await new Promise((r) => setTimeout(r, 200));
      } while (Date.now() < until);
      assert.equal(s?.status, "Filled");
      assert.equal(s?.working, false);
      assert.equal(s?.filled, 2);
      assert.equal(s?.remaining, 0);
      const shares = s?.executions.reduce((n, e) => n + e.shares, 0);
      assert.equal(shares, 2);
      const avg = s!.executions.reduce((n, e) => n + e.shares * e.price, 0) / 2;
      assert.ok(Math.abs((s?.avgFillPrice ?? 0) - avg) < 1e-6);
      assert.ok((s?.commission ?? 0) > 0, "the commission IB reported for the fills");
    });

    it("lists filled and cancelled orders as completed, with their ids and refs", async () => {
      const cancelled = await call("cancel_order", { order_id: limit.order_id });
      assert.notEqual(cancelled.isError, true, textOf(cancelled));
      const out = await ok<{ orders: Completed[] }>("get_completed_orders", { symbol: "AAPL" });
      const byRef = new Map(out.orders.map((o) => [o.orderRef, o]));
      assert.equal(byRef.get(market.order_ref)?.status, "Filled");
      assert.equal(byRef.get(market.order_ref)?.filled, 2);
      assert.equal(byRef.get(market.order_ref)?.orderId, market.order_id);
      assert.equal(byRef.get(limit.order_ref)?.status, "Cancelled");
      assert.match(byRef.get(limit.order_ref)?.completedTime ?? "", /^\d{8} \d{2}:\d{2}:\d{2} /);
      const status = await ok<{ orders: Status[] }>("get_order_status", { order_id: limit.order_id });
      assert.equal(status.orders[0]?.status, "Cancelled");
      assert.equal(status.orders[0]?.remaining, 2);
      const other = await ok<{ orders: Completed[] }>("get_completed_orders", { symbol: "MSFT" });
      assert.ok(
        !other.orders.some((o) => o.orderRef === market.order_ref),
        "a symbol filter keeps other symbols out",
      );
    });

    it("refuses neither or both of order_id and order_ref, and answers NOT_FOUND for an unknown order", async () => {
      assert.match(await fails("get_order_status", {}, "INVALID_ARGUMENT"), /order_id.*order_ref/);
      assert.match(
        await fails("get_order_status", { order_id: 1, order_ref: "x" }, "INVALID_ARGUMENT"),
        /exactly one/,
      );
      assert.match(await fails("get_order_status", { order_id: 987654 }, "NOT_FOUND"), /987654/);
      assert.match(await fails("get_completed_orders", { account: "U0000000" }, "NOT_FOUND"), /U0000000/);
    });
  });
  describe("run_scanner", () => {
    type Scan = {
      scanCode: string;
      rows: Array<{ rank: number; contract: { conId: number; symbol: string; secType: string } }>;
    };
    type Quote = { contract: { symbol: string }; last?: number; close?: number; volume?: number };
    const quotesOf = async (symbols: string[]) =>
      (await ok<{ quotes: Quote[] }>("get_quote", { symbols })).quotes;

    it("ranks top gainers by their change on the day, highest first, each up on its close", async () => {
      const out = await ok<Scan>("run_scanner", { scan_code: "TOP_PERC_GAIN", rows: 10 });
      assert.equal(out.rows.length, 10);
      assert.deepEqual(
        out.rows.map((r) => r.rank),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
      const quotes = await quotesOf(out.rows.slice(0, 3).map((r) => r.contract.symbol));
      for (const q of quotes) assert.ok((q.last ?? 0) > (q.close ?? Infinity), `${q.contract.symbol} is up`);
    });

    it("applies price filters and the row count", async () => {
      const out = await ok<Scan>("run_scanner", {
        scan_code: "MOST_ACTIVE",
        above_price: 50,
        below_price: 300,
        rows: 5,
      });
      assert.equal(out.rows.length, 5);
      const quotes = await quotesOf(out.rows.map((r) => r.contract.symbol));
      for (const q of quotes) {
        const p = q.last ?? q.close ?? 0;
        assert.ok(p > 49 && p < 301, `${q.contract.symbol} at ${p} is inside the filter`);
      }
    });

    it("serves twelve concurrent scans through IB's ten scanner subscriptions", async () => {
      const runs = await Promise.all(
        Array.from({ length: 12 }, (_, k) =>
          call("run_scanner", { scan_code: k % 2 ? "TOP_PERC_LOSE" : "HOT_BY_VOLUME", rows: 3 }),
        ),
      );
      for (const r of runs) assert.notEqual(r.isError, true, textOf(r));
    });

    it("refuses a malformed, an unknown or an unservable scan with INVALID_ARGUMENT naming the fix", async () => {
      assert.match(
        await fails("run_scanner", { scan_code: "top gain!" }, "INVALID_ARGUMENT"),
        /get_scanner_parameters/,
      );
      assert.match(await fails("run_scanner", { scan_code: "NOT_A_SCAN" }, "INVALID_ARGUMENT"), /NOT_A_SCAN/);
      assert.match(
        await fails("run_scanner", { scan_code: "TOP_PERC_GAIN", location: "STK.MARS" }, "INVALID_ARGUMENT"),
        /STK\.MARS/,
      );
      assert.match(
        await fails(
          "run_scanner",
          { scan_code: "TOP_PERC_GAIN", above_price: 100, below_price: 50 },
          "INVALID_ARGUMENT",
        ),
        /price_above/,
      );
    });
  });
  describe("get_scanner_parameters", () => {
    type Params = {
      instruments: Array<{ code: string }>;
      locations: Array<{ code: string }>;
      scanCodes: Array<{ code: string; name: string }>;
      filters: Array<{ code: string }>;
    };

    it("summarises IB's XML into the codes run_scanner takes, and each listed code runs", async () => {
      const out = await ok<Params>("get_scanner_parameters", {});
      assert.ok(out.instruments.some((i) => i.code === "STK"));
      assert.ok(out.locations.some((l) => l.code === "STK.US.MAJOR"));
      assert.ok(out.filters.some((f) => f.code === "priceAbove"));
      const codes = out.scanCodes.map((s) => s.code);
      assert.ok(codes.includes("TOP_PERC_GAIN") && codes.includes("HOT_BY_VOLUME"), codes.join());
      for (const scan_code of codes) {
        const r = await call("run_scanner", { scan_code, rows: 1 });
        assert.notEqual(r.isError, true, `${scan_code}: ${textOf(r)}`);
      }
    });

    it("narrows scan codes by search text", async () => {
      const out = await ok<Params>("get_scanner_parameters", { search: "loser" });
      assert.ok(out.scanCodes.length > 0);
      for (const s of out.scanCodes) assert.match(`${s.code} ${s.name}`, /lose/i);
    });

    it("answers NOT_FOUND listing the instruments for one IB does not list", async () => {
      assert.match(await fails("get_scanner_parameters", { instrument: "BOND.US" }, "NOT_FOUND"), /STK/);
    });
  });
});
