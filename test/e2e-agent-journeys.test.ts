/**
 * Tasks people give an IB agent, each a short sequence of MCP tool calls as an agent would make them:
 * MCP SDK client over HTTP → gateway process → NATS → connector process → simulator process. Every step must
 * answer usefully (no error, no NOT_FOUND) and the values must agree across tools.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { mcpClient, type NatsStack, startNatsStack, textOf } from "./support/stack.ts";

type Row = Record<string, unknown>;
type Contract = { conId: number; symbol: string; secType: string; exchange?: string; localSymbol?: string };
type Quote = { contract: Contract; last?: number; bid?: number; ask?: number; close?: number };
type Chain = { exchange: string; tradingClass: string; expirations: string[]; strikes: number[] };
type Greeks = { impliedVol?: number; delta?: number; modelPrice?: number; underlyingPrice?: number };
type OptionQuote = Quote & { strike: number; greeks: Greeks };

const ymdDash = (t: number) => new Date(t).toISOString().slice(0, 10);
const near = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.abs(b);

describe("agent journeys (MCP client → gateway → NATS → connector → simulator)", { timeout: 110_000 }, () => {
  let stack: NatsStack;
  let client: Client;

  /** Calls a tool that must answer usefully; returns its structured result. */
  const ok = async <T = Row>(name: string, args: Row): Promise<T> => {
    const r = (await client.callTool({ name, arguments: args })) as {
      isError?: boolean;
      structuredContent?: T;
    };
    assert.notEqual(r.isError, true, `${name} ${JSON.stringify(args)}: ${textOf(r)}`);
    assert.ok(r.structuredContent, `${name} returns structured content`);
    return r.structuredContent;
  };
  const quoteOf = async (symbol: string, extra: Row = {}) => {
    const out = await ok<{ quotes: Quote[]; failures: Row[] }>("get_quote", { symbols: [symbol], ...extra });
    assert.deepEqual(out.failures, [], symbol);
    return out.quotes[0]!;
  };
  const lookup = async (args: Row) =>
    (await ok<{ contracts: Contract[] }>("lookup_contract", args)).contracts;
  const chainOf = async (args: Row) =>
    ok<{ underlying: Contract; chains: Chain[] }>("get_option_chain", args);
  const optionQuotes = async (args: Row) => {
    const out = await ok<{ quotes: OptionQuote[]; failures: Row[] }>("get_option_quotes", args);
    assert.deepEqual(out.failures, [], JSON.stringify(args));
    return out.quotes;
  };
  /** The listed strike nearest a price. */
  const atm = (strikes: number[], price: number) =>
    strikes.reduce((a, b) => (Math.abs(b - price) < Math.abs(a - price) ? b : a));
  /** Strikes of a chain around a price, as an agent asks for them. */
  const strikesNear = async (symbol: string, price: number, tradingClass = "") => {
    const c = await chainOf({
      symbol,
      trading_class: tradingClass,
      min_strike: price * 0.9,
      max_strike: price * 1.1,
      max_strikes: 500,
    });
    return c.chains[0]!;
  };

  before(async () => {
    stack = await startNatsStack({ clientId: "47" });
    client = await mcpClient(`${stack.gateways[0]!.base}/mcp`);
  });
  after(async () => {
    await client?.close();
    await stack?.stop();
  });

  it("what is Apple trading at: the quote names the contract lookup_contract finds", async () => {
    const [aapl] = await lookup({ symbol: "AAPL" });
    const q = await quoteOf("AAPL");
    assert.equal(q.contract.conId, aapl!.conId);
    assert.ok(q.bid! < q.ask! && q.last! > 0);
  });

  it("SPX chain, then the at-the-money call's greeks", async () => {
    const spx = (await ok<{ quote: Quote }>("get_index_quote", { symbol: "SPX" })).quote;
    const chain = await strikesNear("SPX", spx.last!);
    const strike = atm(chain.strikes, spx.last!);
    const expiry = chain.expirations.find(
      (e) => e > ymdDash(Date.now() + 20 * 86_400_000).replaceAll("-", ""),
    )!;
    const [call] = await optionQuotes({ symbol: "SPX", expiry, right: "C", strikes: [strike] });
    assert.ok(call!.greeks.delta! > 0.35 && call!.greeks.delta! < 0.7, `ATM delta ${call!.greeks.delta}`);
    assert.ok(call!.greeks.impliedVol! > 0.05 && call!.greeks.impliedVol! < 0.6);
    assert.ok(near(call!.greeks.underlyingPrice!, spx.last!, 0.01), "the greeks price off the index level");
  });

  it("an expiry and strike get_option_chain lists for SPX quote with default arguments and on the chain's exchange", async () => {
    const { chains } = await chainOf({ symbol: "SPX" });
    assert.ok(
      chains.some((c) => c.exchange === "SMART"),
      "the chain names SMART",
    );
    for (const c of chains.filter((x) => x.tradingClass === "SPX")) {
      const expiry = c.expirations.at(-1)!;
      const strike = c.strikes[Math.floor(c.strikes.length / 2)]!;
      const [q] = await optionQuotes({
        symbol: "SPX",
        expiry,
        right: "C",
        strikes: [strike],
        exchange: c.exchange,
      });
      assert.equal(q!.contract.secType, "OPT");
    }
    const c = chains[0]!;
    await optionQuotes({ symbol: "SPX", expiry: c.expirations[0]!, right: "P", strikes: [c.strikes[0]!] });
  });

  it("SPXW weeklies: the nearest weekly's at-the-money put", async () => {
    const spx = (await ok<{ quote: Quote }>("get_index_quote", { symbol: "SPX" })).quote;
    const w = await strikesNear("SPX", spx.last!, "SPXW");
    assert.equal(w.tradingClass, "SPXW");
    const days =
      (Date.parse(`${w.expirations[0]!.replace(/(\d{4})(\d\d)(\d\d)/, "$1-$2-$3")}`) - Date.now()) /
      86_400_000;
    assert.ok(days < 7, `next SPXW expiry in ${days.toFixed(1)} days`);
    const [put] = await optionQuotes({
      symbol: "SPX",
      trading_class: "SPXW",
      expiry: w.expirations[0]!,
      right: "P",
      strikes: [atm(w.strikes, spx.last!)],
    });
    assert.ok(put!.greeks.delta! < 0);
  });

  it("AAPL options without saying STK: the chain's underlying is the stock lookup_contract finds", async () => {
    const [aapl] = await lookup({ symbol: "AAPL" });
    const c = await chainOf({ symbol: "AAPL" });
    assert.equal(c.underlying.conId, aapl!.conId);
    assert.equal(c.underlying.secType, "STK");
    assert.deepEqual(c.chains.map((x) => x.exchange).slice(0, 1), ["SMART"]);
  });

  it("NVDA's near-month put has a negative delta and prices off the stock", async () => {
    const nvda = await quoteOf("NVDA");
    const chain = await strikesNear("NVDA", nvda.last!);
    const [put] = await optionQuotes({
      symbol: "NVDA",
      expiry: chain.expirations[0]!,
      right: "P",
      strikes: [atm(chain.strikes, nvda.last!)],
    });
    assert.ok(put!.greeks.delta! < 0 && put!.greeks.delta! > -1);
    assert.ok(near(put!.greeks.underlyingPrice!, nvda.last!, 0.01));
  });

  it("put-call parity holds on SPY's model prices", async () => {
    const spy = await quoteOf("SPY");
    const chain = await strikesNear("SPY", spy.last!);
    const expiry = chain.expirations.find(
      (e) => e > ymdDash(Date.now() + 25 * 86_400_000).replaceAll("-", ""),
    )!;
    const k = atm(chain.strikes, spy.last!);
    const [c] = await optionQuotes({ symbol: "SPY", expiry, right: "C", strikes: [k] });
    const [p] = await optionQuotes({ symbol: "SPY", expiry, right: "P", strikes: [k] });
    const s = c!.greeks.underlyingPrice!;
    const years =
      (Date.UTC(+expiry.slice(0, 4), +expiry.slice(4, 6) - 1, +expiry.slice(6, 8), 21) - Date.now()) /
      (365 * 86_400_000);
    const parity = s - k * Math.exp(-0.04 * years);
    assert.ok(
      Math.abs(c!.greeks.modelPrice! - p!.greeks.modelPrice! - parity) < 0.05,
      `C-P ${c!.greeks.modelPrice! - p!.greeks.modelPrice!} vs ${parity}`,
    );
    assert.equal(c!.greeks.impliedVol, p!.greeks.impliedVol, "one volatility per strike and expiry");
  });

  it("the SPX smile: out-of-the-money puts carry more volatility than calls as far out", async () => {
    const spx = (await ok<{ quote: Quote }>("get_index_quote", { symbol: "SPX" })).quote;
    const { chains } = await chainOf({ symbol: "SPX", trading_class: "SPX", max_strikes: 500 });
    const c = chains[0]!;
    const lo = atm(c.strikes, spx.last! * 0.9);
    const hi = atm(c.strikes, spx.last! * 1.1);
    const [put] = await optionQuotes({ symbol: "SPX", expiry: c.expirations[1]!, right: "P", strikes: [lo] });
    const [call] = await optionQuotes({
      symbol: "SPX",
      expiry: c.expirations[1]!,
      right: "C",
      strikes: [hi],
    });
    assert.ok(
      put!.greeks.impliedVol! > call!.greeks.impliedVol!,
      `${put!.greeks.impliedVol} > ${call!.greeks.impliedVol}`,
    );
  });

  it("VIX level, by get_index_quote and by get_quote without a security type", async () => {
    const v = (await ok<{ quote: Quote }>("get_index_quote", { symbol: "VIX" })).quote;
    assert.ok(v.last! > 5 && v.last! < 100, `VIX ${v.last}`);
    const q = await quoteOf("VIX");
    assert.equal(q.contract.conId, v.contract.conId);
    assert.equal(q.contract.secType, "IND");
  });

  it("NDX and RUT levels without naming their exchanges", async () => {
    for (const symbol of ["NDX", "RUT"]) {
      const q = (await ok<{ quote: Quote }>("get_index_quote", { symbol })).quote;
      const [c] = await lookup({ symbol, sec_type: "IND", exchange: q.contract.exchange });
      assert.equal(c!.conId, q.contract.conId, symbol);
    }
  });

  it("VIX, RUT, NDX, DJX and XSP list option chains with their weekly classes", async () => {
    const classes: Record<string, string[]> = {
      VIX: ["VIX", "VIXW"],
      RUT: ["RUT", "RUTW"],
      NDX: ["NDX", "NDXP"],
      DJX: ["DJX"],
      XSP: ["XSP"],
    };
    for (const [symbol, want] of Object.entries(classes)) {
      const c = await chainOf({ symbol });
      assert.equal(c.underlying.secType, "IND", symbol);
      assert.deepEqual([...new Set(c.chains.map((x) => x.tradingClass))].sort(), want.sort(), symbol);
    }
  });

  it("QQQ lists options every weekday", async () => {
    const { chains } = await chainOf({ symbol: "QQQ" });
    const [a, b] = chains[0]!.expirations.map((e) =>
      Date.UTC(+e.slice(0, 4), +e.slice(4, 6) - 1, +e.slice(6, 8)),
    );
    assert.ok(b! - a! <= 4 * 86_400_000, "consecutive trading days");
  });

  it("last week of NVDA hourly bars, consistent with the quote", async () => {
    const h = await ok<{ bars: Array<Row & { time: string; high: number; low: number; close: number }> }>(
      "get_historical_data",
      { symbol: "NVDA", duration: "1 W", bar_size: "1 hour", max_bars: 100 },
    );
    assert.ok(h.bars.length >= 20, `${h.bars.length} hourly bars`);
    for (const b of h.bars) assert.ok(b.low <= b.high);
    assert.deepEqual(
      h.bars.map((b) => b.time),
      [...h.bars.map((b) => b.time)].sort(),
    );
    const q = await quoteOf("NVDA");
    assert.ok(
      near(h.bars.at(-1)!.close, q.last!, 0.02),
      `last bar ${h.bars.at(-1)!.close} vs quote ${q.last}`,
    );
  });

  it("a month of PLTR daily bars ends near the quote", async () => {
    const h = await ok<{ bars: Array<{ close: number }>; contract: Contract }>("get_historical_data", {
      symbol: "PLTR",
      duration: "1 M",
      bar_size: "1 day",
    });
    const q = await quoteOf("PLTR");
    assert.equal(h.contract.conId, q.contract.conId);
    assert.ok(
      near(h.bars.at(-1)!.close, q.last!, 0.02),
      `last close ${h.bars.at(-1)!.close} vs quote ${q.last}`,
    );
  });

  it("news on PLTR, then the first article", async () => {
    const now = Date.now();
    const n = await ok<{ articles: Array<{ articleId: string; providerCode: string; headline: string }> }>(
      "get_historical_news",
      {
        symbol: "PLTR",
        start_date: ymdDash(now - 7 * 86_400_000),
        end_date: ymdDash(now + 86_400_000),
        max_count: 5,
      },
    );
    assert.ok(n.articles.length > 0, "headlines this week");
    const first = n.articles[0]!;
    const a = await ok<{ text: string; articleId: string }>("get_article", {
      articleId: first.articleId,
      providerCode: first.providerCode,
    });
    assert.equal(a.articleId, first.articleId);
    assert.ok(a.text.length > 20);
  });

  it("what is my P&L today: the account's daily P&L is the sum of its positions'", async () => {
    const p = await ok<{ accounts: Array<{ dailyPnL: number; positions: Array<{ dailyPnL: number }> }> }>(
      "get_pnl",
      {},
    );
    const acct = p.accounts[0]!;
    const sum = acct.positions.reduce((s, x) => s + x.dailyPnL, 0);
    assert.ok(Math.abs(sum - acct.dailyPnL) < 1, `${sum} vs ${acct.dailyPnL}`);
  });

  it("my AAPL position is worth quantity times the quote", async () => {
    const { items } = await ok<{
      items: Array<{ contract: Contract; position: number; marketValue: number }>;
    }>("get_portfolio", {});
    const item = items.find((i) => i.contract.symbol === "AAPL")!;
    const q = await quoteOf("AAPL");
    assert.ok(
      near(item.marketValue, item.position * q.last!, 0.02),
      `${item.marketValue} vs ${item.position} x ${q.last}`,
    );
  });

  it("every position is marked where its quote trades: stocks, ETFs and the ES future", async () => {
    const { items } = await ok<{
      items: Array<{ contract: Contract; position: number; marketPrice: number; marketValue: number }>;
    }>("get_portfolio", {});
    const marked = items.filter((i) => i.contract.secType === "STK" || i.contract.secType === "FUT");
    assert.ok(
      marked.some((i) => i.contract.secType === "FUT"),
      "the book holds a future",
    );
    for (const item of marked) {
      const extra = item.contract.secType === "FUT" ? { sec_type: "FUT", exchange: "CME" } : {};
      const q = await quoteOf(item.contract.symbol, extra);
      assert.equal(q.contract.conId, item.contract.conId, item.contract.symbol);
      // IB marks the portfolio every 3 minutes: within 1% of the quote, on the same price path
      assert.ok(
        near(item.marketPrice, q.last!, 0.01),
        `${item.contract.symbol} marked ${item.marketPrice} vs ${q.last}`,
      );
    }
  });

  it("net liquidation is cash plus the portfolio's values, and positions resolve by conId", async () => {
    type Item = { contract: Contract; marketValue: number; unrealizedPnL?: number };
    const summary = async () => {
      const s = await ok<{ accounts: Array<{ values: Array<{ tag: string; value: string }> }> }>(
        "get_account_summary",
        {},
      );
      const v = (tag: string) => Number(s.accounts[0]!.values.find((x) => x.tag === tag)!.value);
      return { net: v("NetLiquidation"), cash: v("TotalCashValue"), gross: v("GrossPositionValue") };
    };
    // IB refreshes account values every 3 minutes: read the portfolio between two equal summaries (same marks)
    let s = await summary();
    let items: Item[] = [];
    for (let k = 0; k < 3; k++) {
      items = (await ok<{ items: Item[] }>("get_portfolio", {})).items;
      const again = await summary();
      if (again.net === s.net) break;
      s = again;
    }
    // a future adds its open P&L to the account, not its notional value; everything else its market value
    const fut = items.filter((i) => i.contract.secType === "FUT");
    const rest = items.filter((i) => i.contract.secType !== "FUT");
    const gross = rest.reduce((a, i) => a + Math.abs(i.marketValue), 0);
    const futPnl = fut.reduce((a, i) => a + (i.unrealizedPnL ?? 0), 0);
    assert.ok(fut.length > 0 && rest.length > 0, "the book holds a future and other positions");
    assert.ok(Math.abs(s.gross - gross) < 1, `GrossPositionValue ${s.gross} vs portfolio ${gross}`);
    assert.ok(
      Math.abs(s.net - (s.cash + gross + futPnl)) < 1,
      `net ${s.net}, cash ${s.cash}, positions ${gross}, futures P&L ${futPnl}`,
    );
    const { positions } = await ok<{ positions: Array<{ contract: Contract }> }>("get_positions", {});
    for (const p of positions) {
      const [c] = await lookup({ symbol: String(p.contract.conId) });
      assert.equal(c!.symbol, p.contract.symbol, `conId ${p.contract.conId}`);
    }
  });

  it("ES front month quote, near the S&P 500", async () => {
    const es = await lookup({ symbol: "ES", sec_type: "FUT", exchange: "CME" });
    assert.ok(es.length >= 3, "the front month and the next ones");
    const q = await quoteOf("ES", { sec_type: "FUT", exchange: "CME" });
    assert.equal(q.contract.conId, es[0]!.conId, "the front month first");
    const spx = (await ok<{ quote: Quote }>("get_index_quote", { symbol: "SPX" })).quote;
    assert.ok(near(q.last!, spx.last!, 0.05));
    assert.equal((await quoteOf("ES")).contract.conId, q.contract.conId, "without a security type too");
  });

  it("crude, gold, silver, Treasury and euro futures with IB's multipliers and local symbols", async () => {
    const want: Array<[string, string, string, RegExp]> = [
      ["CL", "NYMEX", "1000", /^CL[FGHJKMNQUVXZ]\d$/],
      ["GC", "COMEX", "100", /^GC[GJMQVZ]\d$/],
      ["SI", "COMEX", "5000", /^SI[HKNUZ]\d$/],
      ["ZN", "CBOT", "1000", /^ZN {3}[A-Z]{3} \d\d$/],
      ["YM", "CBOT", "5", /^YM {3}[A-Z]{3} \d\d$/],
      ["EUR", "CME", "125000", /^6E[HMUZ]\d$/],
    ];
    for (const [symbol, exchange, multiplier, local] of want) {
      const d = await ok<{ details: Array<{ contract: Contract & { multiplier: string } }> }>(
        "get_contract_details",
        { symbol, sec_type: "FUT", exchange },
      );
      assert.equal(d.details[0]!.contract.multiplier, multiplier, symbol);
      assert.match(d.details[0]!.contract.localSymbol!, local);
      await quoteOf(symbol, { sec_type: "FUT", exchange });
    }
  });

  it("EUR.USD and USD.JPY rates", async () => {
    const eur = await quoteOf("EUR.USD");
    assert.equal(eur.contract.secType, "CASH");
    const [c] = await lookup({ symbol: "EUR", sec_type: "CASH", exchange: "IDEALPRO" });
    assert.equal(eur.contract.conId, c!.conId);
    assert.ok(eur.last! > 0.8 && eur.last! < 1.5);
    const jpy = await quoteOf("USD.JPY");
    assert.ok(jpy.last! > 80 && jpy.last! < 250);
  });

  it("BTC and ETH prices on PAXOS, with and without a security type", async () => {
    const btc = await quoteOf("BTC");
    assert.equal(btc.contract.secType, "CRYPTO");
    assert.equal(
      (await quoteOf("BTC", { sec_type: "CRYPTO", exchange: "PAXOS" })).contract.conId,
      btc.contract.conId,
    );
    assert.ok((await quoteOf("ETH")).last! > 0);
  });

  it("search AMC, then quote what it found", async () => {
    const s = await ok<{ matches: Contract[] }>("search_contracts", { pattern: "AMC" });
    assert.equal(s.matches[0]!.symbol, "AMC");
    assert.equal((await quoteOf("AMC")).contract.conId, s.matches[0]!.conId);
  });

  it("search by company name: Palantir, then bank of america", async () => {
    const p = await ok<{ matches: Contract[] }>("search_contracts", { pattern: "palantir" });
    assert.equal(p.matches[0]!.symbol, "PLTR");
    const b = await ok<{ matches: Contract[] }>("search_contracts", { pattern: "bank of america" });
    assert.equal(b.matches[0]!.symbol, "BAC");
    assert.ok(b.matches.length <= 16);
  });

  it("the meme names quote together", async () => {
    const out = await ok<{ quotes: Quote[]; failures: Row[] }>("get_quote", {
      symbols: ["GME", "AMC", "SOFI", "RIVN", "PLTR"],
    });
    assert.deepEqual(out.failures, []);
    assert.deepEqual(out.quotes.map((q) => q.contract.symbol).sort(), ["AMC", "GME", "PLTR", "RIVN", "SOFI"]);
  });

  it("the big ETFs quote: SPY QQQ IWM DIA TLT GLD XLF", async () => {
    const out = await ok<{ quotes: Quote[]; failures: Row[] }>("get_quote", {
      symbols: ["SPY", "QQQ", "IWM", "DIA", "TLT", "GLD", "XLF"],
    });
    assert.deepEqual(out.failures, []);
    assert.equal(out.quotes.length, 7);
  });

  it("a bond by ISIN is the same bond as by CUSIP", async () => {
    const [byIsin] = await lookup({ symbol: "US037833AL42", sec_type: "BOND" });
    const [byCusip] = await lookup({ symbol: "037833AL4", sec_type: "BOND" });
    assert.equal(byIsin!.conId, byCusip!.conId);
  });

  it("a Treasury found by search resolves by its CUSIP", async () => {
    const s = await ok<{ matches: Contract[] }>("search_contracts", { pattern: "united states treasury" });
    const bond = s.matches.find((m) => m.secType === "BOND")!;
    const [c] = await lookup({ symbol: bond.symbol, sec_type: "BOND" });
    assert.equal(c!.conId, bond.conId);
  });

  it("SOFI and RIVN contract details say who they are", async () => {
    for (const [symbol, name] of [
      ["SOFI", /SOFI/],
      ["RIVN", /RIVIAN/],
    ] as const) {
      const d = await ok<{ details: Array<{ longName: string; industry: string }> }>("get_contract_details", {
        symbol,
      });
      assert.match(d.details[0]!.longName, name);
      assert.ok(d.details[0]!.industry.length > 0);
    }
  });

  it("ticker to conId, then a quote by conId", async () => {
    const t = await ok<{ conId: number }>("ticker_to_conid", { symbol: "TSLA" });
    const q = await quoteOf(String(t.conId));
    assert.equal(q.contract.symbol, "TSLA");
  });

  it("Microsoft's fundamentals name the company the contract does", async () => {
    const f = await ok<{ xml: string; contract: Contract }>("get_fundamental_data", {
      symbol: "MSFT",
      report_type: "ReportSnapshot",
    });
    const [c] = await lookup({ symbol: "MSFT" });
    assert.equal(f.contract.conId, c!.conId);
    assert.match(f.xml, /MICROSOFT/);
  });

  it("an option contract found by lookup has the conId its quote reports", async () => {
    const { chains } = await chainOf({ symbol: "TSLA" });
    const c = chains[0]!;
    const strike = c.strikes[Math.floor(c.strikes.length / 2)]!;
    const [q] = await optionQuotes({
      symbol: "TSLA",
      expiry: c.expirations[0]!,
      right: "C",
      strikes: [strike],
    });
    const d = await ok<{ details: Array<{ contract: Contract }> }>("get_contract_details", {
      symbol: String(q!.contract.conId),
    });
    assert.equal(d.details[0]!.contract.localSymbol, q!.contract.localSymbol);
  });

  it("an option's greeks price off the underlying the quote tool reports", async () => {
    const amd = await quoteOf("AMD");
    const chain = await strikesNear("AMD", amd.last!);
    const [c] = await optionQuotes({
      symbol: "AMD",
      expiry: chain.expirations.at(-1)!,
      right: "C",
      strikes: [atm(chain.strikes, amd.last!)],
    });
    assert.ok(near(c!.greeks.underlyingPrice!, amd.last!, 0.01));
    assert.ok(c!.greeks.modelPrice! > 0 && c!.greeks.modelPrice! < amd.last!);
  });
});
