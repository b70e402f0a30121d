/**
 * Issue 8's read tools end to end: the MCP SDK client over HTTP → the all-in-one server (gateway and connector
 * in one process) → the in-process simulator over the TWS socket. Values come from the simulator's universe.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type AllInOne, startAllInOne } from "../cli/all-in-one.ts";
import {
  chainSpecs,
  chainStrikes,
  findInstrument,
  initialPositions,
  marketValue,
  NEWS_PROVIDERS,
  optionChainParams,
  type Simulator,
  startSimulator,
} from "../sim/index.ts";
import { DELAYED_BY_MS, quotedBetween, withMarksOf } from "../sim/testing/live-market.ts";
import { freePort } from "./support/free-port.ts";
import { mcpClient, textOf } from "./support/stack.ts";

const traderTools = [
  "get_quote",
  "get_index_quote",
  "get_option_chain",
  "get_option_quotes",
  "get_pnl",
  "get_portfolio",
  "get_open_orders",
  "get_executions",
  "get_news_providers",
  "get_trading_hours",
  "get_connection_status",
];

type ToolResult = { isError?: boolean; structuredContent?: Record<string, unknown>; content?: unknown };
type Row = Record<string, unknown>;

describe("trader read tools end to end (MCP client → all-in-one server → simulator)", {
  timeout: 30_000,
}, () => {
  let sim: Simulator;
  let server: AllInOne;
  let client: Client;
  const aapl = findInstrument("AAPL", "STK")!;
  const spx = findInstrument("SPX", "IND")!;

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;
  /** Calls a tool that must succeed; returns its structured result and its text block. */
  const ok = async <T = Row>(
    name: string,
    args: Record<string, unknown>,
  ): Promise<{ out: T; text: string }> => {
    const r = await call(name, args);
    assert.notEqual(r.isError, true, `${name}: ${textOf(r)}`);
    assert.ok(r.structuredContent, `${name} returns structuredContent`);
    return { out: r.structuredContent as T, text: textOf(r) };
  };

  before(async () => {
    sim = await startSimulator({ port: 0 });
    const port = await freePort();
    server = await startAllInOne({
      IB_HOST: "127.0.0.1",
      IB_PORT: String(sim.port),
      IB_CONNECT_TIMEOUT_MS: "2000",
      HOST: "127.0.0.1",
      PORT: String(port),
      TRADING_MODE: "paper",
      LOG_LEVEL: "silent",
    });
    client = await mcpClient(`${server.url}?toolsets=all`);
    const until = Date.now() + 10_000;
    while ((await ok<{ state: string }>("get_connection_status", {})).out.state !== "ready") {
      assert.ok(Date.now() < until, "the connector reaches IB within 10 s");
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    await client?.close();
    await server?.close();
    await sim?.close();
  });

  it("lists every new tool with flat input schemas, output schemas and read-only annotations", async () => {
    const { tools } = await client.listTools();
    for (const name of traderTools) {
      const t = tools.find((x) => x.name === name);
      assert.ok(t, `${name} is listed`);
      assert.equal(t.inputSchema.type, "object", name);
      assert.equal(t.outputSchema?.type, "object", name);
      assert.equal(t.annotations?.readOnlyHint, true, name);
    }
    const chain = tools.find((t) => t.name === "get_option_chain")!;
    const props = chain.inputSchema.properties as Record<string, { default?: unknown }>;
    assert.equal(props.max_strikes?.default, 20);
    assert.equal(props.sec_type?.default, undefined, "the tool finds the security type");
    assert.equal(props.exchange?.default, undefined, "the tool finds the exchange");
  });

  it("get_quote and get_index_quote", async () => {
    const t0 = Date.now();
    const q = await ok<{ quotes: Row[] }>("get_quote", { symbols: ["AAPL"] });
    const bid = q.out.quotes[0]?.bid as number;
    assert.ok(quotedBetween(bid, aapl, "bid", t0), `bid ${bid} on the simulator's price path`);
    assert.equal(q.out.quotes[0]?.dataType, "live");
    assert.match(q.text, new RegExp(`AAPL .*live.*bid ${bid}`));
    const t1 = Date.now();
    const i = await ok<{ quote: Row }>("get_index_quote", { symbol: "SPX" });
    // get_index_quote asks for delayed-frozen data: 15 minutes behind
    assert.ok(quotedBetween(i.out.quote.last as number, spx, "last", t1, Date.now(), DELAYED_BY_MS));
    assert.match(i.text, /SPX index/);
  });

  it("get_option_chain and get_option_quotes", async () => {
    const want = optionChainParams("SPX", spx.conId)[0]!;
    const c = await ok<{ chains: Row[] }>("get_option_chain", { symbol: "SPX" });
    assert.deepEqual(c.out.chains[0]?.expirations, want.expirations);
    assert.deepEqual(c.out.chains[0]?.strikes, want.strikes.slice(0, 20));
    const strike = chainStrikes(aapl, chainSpecs.AAPL!)[8]!;
    const expiry = optionChainParams("AAPL", aapl.conId)[0]!.expirations[0]!;
    const o = await ok<{ quotes: Array<Row & { greeks: Row }> }>("get_option_quotes", {
      symbol: "AAPL",
      expiry,
      right: "P",
      strikes: [strike],
    });
    assert.equal(o.out.quotes[0]?.strike, strike);
    assert.ok((o.out.quotes[0]?.greeks.delta as number) < 0, "a put has a negative delta");
    assert.match(o.text, /IV /);
  });

  it("get_pnl and get_portfolio", async () => {
    const spy = initialPositions().find((p) => p.instrument.symbol === "SPY")!;
    const t0 = Date.now();
    const p = await ok<{ accounts: Array<Row & { positions: Row[] }> }>("get_pnl", {});
    const row = p.out.accounts[0]?.positions.find((r) => (r.contract as Row).conId === spy.instrument.conId);
    const f = await ok<{ items: Row[] }>("get_portfolio", {});
    const item = f.out.items.find((r) => (r.contract as Row).conId === spy.instrument.conId);
    withMarksOf(t0, Date.now(), (marks) => {
      assert.equal(row?.value, marketValue(spy, marks));
      assert.equal(item?.marketValue, marketValue(spy, marks));
    });
    assert.match(f.text, /SPY/);
  });

  it("get_open_orders, get_executions, get_news_providers, get_trading_hours", async () => {
    assert.deepEqual((await ok<{ orders: Row[] }>("get_open_orders", {})).out.orders, []);
    assert.deepEqual((await ok<{ executions: Row[] }>("get_executions", {})).out.executions, []);
    const n = await ok<{ providers: Row[] }>("get_news_providers", {});
    assert.deepEqual(
      n.out.providers.map((x) => x.code),
      NEWS_PROVIDERS.map((x) => x.providerCode),
    );
    const h = await ok<{ liquidHours: Row[] }>("get_trading_hours", { symbol: "AAPL" });
    assert.equal(h.out.liquidHours.length, 7);
    assert.match(h.text, /Liquid hours/);
  });

  it("refuses bad input for each tool with a message naming the field", async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ["get_quote", { symbols: [] }, /symbols/],
      ["get_quote", { symbols: ["AAPL"], market_data_type: "fast" }, /market_data_type/],
      ["get_index_quote", { symbol: "SPX; rm" }, /symbol/],
      ["get_option_chain", { symbol: "SPX", max_strikes: 501 }, /max_strikes/],
      ["get_option_chain", { symbol: "SPX", min_strike: 6000, max_strike: 5000 }, /min_strike/],
      ["get_option_quotes", { symbol: "AAPL", expiry: "soon", right: "C", strikes: [200] }, /expiry/],
      ["get_option_quotes", { symbol: "AAPL", expiry: "20300118", right: "C", strikes: [] }, /strikes/],
      ["get_pnl", { account: "DU 1" }, /account/],
      ["get_portfolio", { account: 7 }, /account/],
      ["get_executions", { symbol: "" }, /symbol/],
      ["get_trading_hours", { symbol: "AAPL", sec_type: "SHARES" }, /sec_type/],
      ["get_trading_hours", { symbol: "ZZZQX" }, /NOT_FOUND/],
      ["get_quote", { symbols: ["ZZZQX"] }, /NOT_FOUND/],
    ];
    for (const [name, args, field] of cases) {
      const r = await call(name, args).catch((e: Error) => ({
        isError: true,
        content: [{ type: "text", text: e.message }],
      }));
      assert.equal(r.isError, true, `${name} ${JSON.stringify(args)}`);
      assert.match(textOf(r), field, `${name}: ${textOf(r)}`);
    }
  });
});
