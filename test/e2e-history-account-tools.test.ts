/**
 * Account values, FX conversion, head timestamp, histogram, historical ticks and real-time bars end to end:
 * MCP SDK client → gateway process → nats-server → connector process → simulator process.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { findInstrument } from "../sim/index.ts";
import { mcpClient, type NatsStack, startNatsStack, textOf } from "./support/stack.ts";

type Row = Record<string, unknown>;
type Result = { isError?: boolean; structuredContent?: Row };

describe("history, account and FX tools end to end (MCP → gateway → NATS → connector → simulator)", {
  timeout: 90_000,
}, () => {
  let stack: NatsStack;
  let client: Client;

  const call = async (name: string, args: Row) => {
    const r = (await client.callTool({ name, arguments: args })) as Result;
    return { ...r, text: textOf(r) };
  };
  const ok = async <T = Row>(name: string, args: Row): Promise<T> => {
    const r = await call(name, args);
    assert.notEqual(r.isError, true, `${name}: ${r.text}`);
    return r.structuredContent as T;
  };
  const fails = async (name: string, args: Row, code: string, mentions: RegExp) => {
    const r = await call(name, args);
    assert.equal(r.isError, true, `${name} refuses ${JSON.stringify(args)}`);
    assert.match(r.text, new RegExp(code));
    assert.match(r.text, mentions);
  };

  before(async () => {
    stack = await startNatsStack({ clientId: "41", simArgs: ["--time-scale", "0.02"] });
    client = await mcpClient(`${stack.gateways[0]?.base}/mcp?toolsets=all`);
    const until = Date.now() + 20_000;
    for (;;) {
      const s = await call("get_connection_status", {});
      if (!s.isError && (s.structuredContent as { state?: string }).state === "ready") break;
      assert.ok(Date.now() < until, "the connector reaches IB within 20 s");
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  after(async () => {
    await client?.close();
    await stack?.stop();
  });

  it("get_account_values lists every tag by currency, filtered by prefix and currency", async () => {
    type Values = Array<{ tag: string; value: string; currency: string }>;
    type Out = { accounts: Array<{ account: string; values: Values }> };
    const all = await ok<Out>("get_account_values", {});
    const first = all.accounts[0];
    assert.ok(first, "one entry per managed account");
    assert.match(first.account, /^[A-Z0-9]+$/);
    const summary = await ok<{ accounts: Array<{ account: string; values: Array<{ tag: string }> }> }>(
      "get_account_summary",
      { account: first.account },
    );
    const summaryTags = new Set(summary.accounts[0]?.values.map((v) => v.tag));
    assert.ok(
      first.values.some((v) => !summaryTags.has(v.tag)),
      "more tags than the summary's",
    );
    assert.ok(
      first.values.some((v) => v.currency === "BASE"),
      "base-currency rows",
    );
    const cash = await ok<Out>("get_account_values", {
      account: first.account,
      tag_prefix: "cash",
      currency: "base",
    });
    assert.deepEqual(
      cash.accounts.map((a) => a.account),
      [first.account],
    );
    const rows = cash.accounts[0]?.values ?? [];
    assert.ok(rows.length > 0);
    for (const v of rows) {
      assert.match(v.tag, /^Cash/);
      assert.equal(v.currency, "BASE");
    }
    await fails("get_account_values", { account: "ZZ999" }, "NOT_FOUND", /managed accounts/);
    await fails("get_account_values", { tag_prefix: "a b" }, "", /tag_prefix/);
  });

  it("get_fx_rate converts directly, through the inverse pair, and across USD", async () => {
    type Out = {
      rate: number;
      converted: number;
      legs: Array<{ pair: string; inverted: boolean; mid: number }>;
    };
    const eurUsd = await ok<Out>("get_fx_rate", { from: "EUR", to: "USD", amount: 100 });
    assert.deepEqual(
      eurUsd.legs.map((l) => [l.pair, l.inverted]),
      [["EUR.USD", false]],
    );
    assert.ok(eurUsd.rate > 0.5 && eurUsd.rate < 2, `EUR.USD near its price: ${eurUsd.rate}`);
    assert.ok(Math.abs(eurUsd.converted - eurUsd.rate * 100) < 1e-6);
    const usdEur = await ok<Out>("get_fx_rate", { from: "usd", to: "eur" });
    assert.deepEqual(
      usdEur.legs.map((l) => [l.pair, l.inverted]),
      [["EUR.USD", true]],
    );
    assert.ok(Math.abs(usdEur.rate - 1 / (usdEur.legs[0]?.mid ?? 0)) < 1e-6);
    const eurJpy = await ok<Out>("get_fx_rate", { from: "EUR", to: "JPY", amount: 2 });
    assert.deepEqual(
      eurJpy.legs.map((l) => l.pair),
      ["EUR.USD", "USD.JPY"],
    );
    assert.ok(eurJpy.rate > 100, `EUR→JPY through USD: ${eurJpy.rate}`);
    await fails("get_fx_rate", { from: "EUR", to: "XYZ" }, "NOT_FOUND", /XYZ/);
    await fails("get_fx_rate", { from: "EURO", to: "USD" }, "", /currency/);
  });

  it("get_head_timestamp answers the first day IB has data for, in UTC", async () => {
    const aapl = findInstrument("AAPL", "STK")!;
    const out = await ok<{ headTimestamp: string; contract: { conId: number } }>("get_head_timestamp", {
      symbol: "AAPL",
    });
    assert.equal(out.contract.conId, aapl.conId);
    const d = aapl.headDate;
    assert.ok(
      out.headTimestamp.startsWith(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T`),
      `${out.headTimestamp} is on ${d}`,
    );
    const eth = await ok<{ headTimestamp: string }>("get_head_timestamp", { symbol: "AAPL", use_rth: false });
    assert.ok(eth.headTimestamp < out.headTimestamp, "outside regular hours, data starts before the open");
    await fails("get_head_timestamp", { symbol: "NOSUCHSYM" }, "NOT_FOUND", /NOSUCHSYM/);
    await fails("get_head_timestamp", { symbol: "AAPL", data_type: "VOLUME" }, "", /data_type/);
  });

  it("get_histogram spreads a period's size over ascending price levels around the price", async () => {
    type Out = { period: string; totalSize: number; levels: Array<{ price: number; size: number }> };
    const quote = await ok<{ quotes: Array<{ last?: number; bid?: number }> }>("get_quote", {
      symbols: ["AAPL"],
    });
    const price = quote.quotes[0]?.last ?? quote.quotes[0]?.bid ?? 0;
    const out = await ok<Out>("get_histogram", { symbol: "AAPL", period: "1 Week" });
    assert.equal(out.period, "1 week");
    assert.ok(out.levels.length > 3, `several levels: ${out.levels.length}`);
    for (const [k, l] of out.levels.entries()) {
      assert.ok(l.size > 0);
      assert.ok(k === 0 || l.price > (out.levels[k - 1]?.price ?? 0), "ascending");
      assert.ok(Math.abs(l.price - price) / price < 0.25, `${l.price} near ${price}`);
    }
    assert.equal(
      out.totalSize,
      out.levels.reduce((s, l) => s + l.size, 0),
    );
    await fails("get_histogram", { symbol: "AAPL", period: "1 fortnight" }, "", /period/);
    await fails("get_histogram", { symbol: "NOSUCHSYM" }, "NOT_FOUND", /NOSUCHSYM/);
  });

  it("get_historical_ticks pages TRADES back with a cursor, and serves BID_ASK and MIDPOINT forward", async () => {
    type Tick = {
      time: string;
      price?: number;
      size?: number;
      exchange?: string;
      bid?: number;
      ask?: number;
    };
    type Out = { ticks: Tick[]; next_cursor?: string; dataType: string };
    const first = await ok<Out>("get_historical_ticks", { symbol: "AAPL", max_ticks: 50 });
    assert.ok(first.ticks.length >= 50, `a full page: ${first.ticks.length}`);
    assert.ok(first.next_cursor?.startsWith("b"), "a cursor to page further back");
    for (const t of first.ticks)
      assert.ok(t.price && t.size && t.exchange, "trades carry price, size, venue");
    const times = first.ticks.map((t) => t.time);
    assert.deepEqual([...times].sort(), times, "oldest first");
    const second = await ok<Out>("get_historical_ticks", {
      symbol: "AAPL",
      max_ticks: 50,
      cursor: first.next_cursor,
    });
    assert.ok(second.ticks.length > 0);
    assert.ok(
      (second.ticks.at(-1)?.time ?? "") < (first.ticks[0]?.time ?? ""),
      "the next page is older, no overlap",
    );

    const start = first.ticks[0]?.time ?? "";
    const quotes = await ok<Out>("get_historical_ticks", {
      symbol: "AAPL",
      data_type: "BID_ASK",
      start,
      max_ticks: 20,
    });
    assert.ok(quotes.ticks.length > 0);
    for (const t of quotes.ticks) {
      assert.ok(t.time >= start, `${t.time} from ${start}`);
      assert.ok((t.bid ?? 0) > 0 && (t.bid ?? 0) < (t.ask ?? 0), "bid below ask");
    }
    const mid = await ok<Out>("get_historical_ticks", {
      symbol: "AAPL",
      data_type: "MIDPOINT",
      start,
      max_ticks: 5,
    });
    for (const t of mid.ticks) assert.ok(t.price && t.size === undefined, "midpoints carry a price only");

    await fails(
      "get_historical_ticks",
      { symbol: "AAPL", start, end: start },
      "INVALID_ARGUMENT",
      /not both/,
    );
    await fails("get_historical_ticks", { symbol: "AAPL", cursor: "x1" }, "", /cursor/);
    await fails("get_historical_ticks", { symbol: "AAPL", max_ticks: 1001 }, "", /max_ticks/);
    await fails("get_historical_ticks", { symbol: "AAPL", start: "yesterday" }, "", /ISO 8601/);
  });

  it("get_realtime_bars collects consecutive 5-second bars, then stops", async () => {
    type Bar = { time: string; open: number; high: number; low: number; close: number; volume: number };
    type Out = { complete: boolean; bars: Bar[]; contract: { symbol: string } };
    const btc = { symbol: "BTC", sec_type: "CRYPTO", exchange: "PAXOS" };
    const out = await ok<Out>("get_realtime_bars", { ...btc, bars: 3 });
    assert.equal(out.complete, true);
    assert.equal(out.bars.length, 3);
    for (const [k, b] of out.bars.entries()) {
      assert.ok(b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close), "OHLC consistent");
      assert.ok(b.volume > 0, "trades carry volume");
      if (k > 0)
        assert.equal(Date.parse(b.time) - Date.parse(out.bars[k - 1]?.time ?? ""), 5000, "5 s apart");
    }
    const mid = await ok<Out>("get_realtime_bars", { ...btc, data_type: "MIDPOINT", bars: 1 });
    assert.equal(mid.bars.length, 1);
    await fails("get_realtime_bars", { ...btc, bars: 0 }, "", /bars/);
    await fails("get_realtime_bars", { ...btc, data_type: "BID_ASK" }, "", /data_type/);
    await fails("get_realtime_bars", { symbol: "NOSUCHSYM" }, "NOT_FOUND", /NOSUCHSYM/);
  });
});
