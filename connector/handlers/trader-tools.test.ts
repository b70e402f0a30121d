/** Issue 8's read tools through the connector's dispatcher against the in-process simulator, with exact universe values. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type IBApi, OrderAction, OrderType, SecType } from "@stoqey/ib";
import { IbMcpError } from "../../shared/errors.ts";
import { findTool } from "../../shared/tools/index.ts";
import {
  chainSpecs,
  chainStrikes,
  dailyPnl,
  findInstrument,
  initialPositions,
  marketValue,
  NEWS_PROVIDERS,
  optionChainParams,
  type Simulator,
  startSimulator,
  universe,
  unrealizedPnl,
} from "../../sim/index.ts";
import { commissionFor } from "../../sim/orders/order-engine.ts";
import { connectApi, waitFor as waitForEvent } from "../../sim/testing/clients.ts";
import { DELAYED_BY_MS, quotedBetween, withMarksOf } from "../../sim/testing/live-market.ts";
import { openMarket, openNow } from "../../sim/testing/open-market.ts";
import { liveOptionModel, liveQuote } from "../../sim/universe/live-price.ts";
import type { ConnectorHandle } from "../connector.ts";
import { testConnector } from "../test-support.ts";

const ctx = (timeoutMs = 10_000) => ({ requestId: "test", timeoutMs });

type Row = Record<string, unknown>;

describe("trader read tools against the simulator", { timeout: 30_000 }, () => {
  let sim: Simulator;
  let connector: ConnectorHandle;
  let trader: IBApi;
  const aapl = findInstrument("AAPL", "STK")!;
  const msft = findInstrument("MSFT", "STK")!;
  const ibm = findInstrument("IBM", "STK")!;
  const spx = findInstrument("SPX", "IND")!;

  /** Calls a tool and checks the result against the catalogue's output schema. */
  async function call<T = Row>(tool: string, args: unknown): Promise<T> {
    const out = await connector.dispatcher(tool, args, ctx());
    const parsed = findTool(tool)!.output.safeParse(out);
    assert.ok(parsed.success, `${tool} output does not match its schema: ${parsed.error?.message}`);
    return out as T;
  }

  async function refused(tool: string, args: unknown, code: string, field: RegExp): Promise<void> {
    await assert.rejects(connector.dispatcher(tool, args, ctx()), (e: unknown) => {
      assert.ok(e instanceof IbMcpError, String(e));
      assert.equal(e.code, code, e.message);
      assert.match(e.message, field);
      return true;
    });
  }

  before(async () => {
    sim = await startSimulator({ port: 0, market: openMarket() });
    connector = await testConnector(sim.port);
    await connector.ready(5_000);
    // another API client trades, as a user in TWS would: one fill and one resting order
    trader = await connectApi(sim, 77);
    const ibmContract = {
      conId: ibm.conId,
      symbol: "IBM",
      secType: SecType.STK,
      exchange: "SMART",
      currency: "USD",
    };
    const filled = waitForEvent(
      trader,
      "orderStatus" as never,
      (id: number, s: string) => id === 1 && s === "Filled",
    );
    trader.placeOrder(1, ibmContract, {
      action: OrderAction.BUY,
      orderType: OrderType.MKT,
      totalQuantity: 10,
      transmit: true,
    });
    await filled;
    const resting = waitForEvent(
      trader,
      "orderStatus" as never,
      (id: number, s: string) => id === 2 && s === "Submitted",
    );
    trader.placeOrder(2, ibmContract, {
      action: OrderAction.BUY,
      orderType: OrderType.LMT,
      lmtPrice: 100,
      totalQuantity: 5,
      transmit: true,
    });
    await resting;
  });
  after(async () => {
    trader?.disconnect();
    await connector?.close();
    await sim?.close();
  });

  it("get_quote gives live bid, ask, last, sizes, volume and previous close of several symbols", async () => {
    const t0 = openNow();
    const out = await call<{ quotes: Row[]; failures: Row[] }>("get_quote", {
      symbols: ["AAPL", "msft", "AAPL"],
    });
    assert.deepEqual(out.failures, []);
    assert.equal(out.quotes.length, 2, "duplicates are asked once");
    for (const [q, i] of [
      [out.quotes[0]!, aapl],
      [out.quotes[1]!, msft],
    ] as const) {
      const want = liveQuote(i, t0);
      assert.equal((q.contract as Row).conId, i.conId);
      assert.equal(q.dataType, "live");
      for (const k of ["bidSize", "askSize", "lastSize", "volume", "close"] as const)
        assert.equal(q[k], want[k], `${i.symbol} ${k}`);
      // prices on the simulator's one path, at the moment it answered
      for (const k of ["bid", "ask", "last"] as const)
        assert.ok(quotedBetween(q[k] as number, i, k, t0), `${i.symbol} ${k}: ${q[k]} vs ${want[k]}`);
    }
  });

  it("get_quote lists a bad symbol under failures and answers the rest", async () => {
    const out = await call<{ quotes: Row[]; failures: Row[] }>("get_quote", { symbols: ["AAPL", "NOSUCHX"] });
    assert.equal(out.quotes.length, 1);
    assert.equal(out.failures[0]?.symbol, "NOSUCHX");
    assert.equal(out.failures[0]?.code, "NOT_FOUND");
  });

  it("get_quote asks for the requested data type and refuses bad input", async () => {
    const frozen = await call<{ quotes: Row[] }>("get_quote", {
      symbols: ["AAPL"],
      market_data_type: "frozen",
    });
    assert.equal(frozen.quotes[0]?.dataType, "frozen");
    await refused("get_quote", { symbols: [] }, "INVALID_ARGUMENT", /symbols/);
    await refused("get_quote", { symbols: Array(51).fill("AAPL") }, "INVALID_ARGUMENT", /at most 50/);
    await refused(
      "get_quote",
      { symbols: ["AAPL"], market_data_type: "realtime" },
      "INVALID_ARGUMENT",
      /market_data_type/,
    );
    await refused("get_quote", { symbols: ["NOSUCHX"] }, "NOT_FOUND", /NOSUCHX/);
  });

  it("get_index_quote reads SPX, delayed-frozen by default", async () => {
    const t0 = openNow();
    const out = await call<{ quote: Row }>("get_index_quote", { symbol: "SPX" });
    assert.equal((out.quote.contract as Row).conId, spx.conId);
    // delayed data was asked for: the simulator sends IB's delayed ticks, 15 minutes behind
    assert.ok(quotedBetween(out.quote.last as number, spx, "last", t0, openNow(), DELAYED_BY_MS));
    assert.equal(out.quote.close, liveQuote(spx, t0 - DELAYED_BY_MS).close);
    assert.equal(out.quote.dataType, "delayed-frozen");
    await refused("get_index_quote", { symbol: "" }, "INVALID_ARGUMENT", /symbol/);
  });

  it("get_option_chain lists expiries and strikes, bounded and paged", async () => {
    const want = optionChainParams("AAPL", aapl.conId);
    const all = await call<{ chains: Row[] }>("get_option_chain", {
      symbol: "AAPL",
      sec_type: "STK",
      exchange: "SMART",
      max_strikes: 500,
    });
    assert.deepEqual(
      all.chains.map((c) => c.exchange),
      want.map((w) => w.exchange),
    );
    assert.deepEqual(all.chains[0]?.expirations, want[0]?.expirations);
    assert.deepEqual(all.chains[0]?.strikes, want[0]?.strikes);
    const strikes = chainStrikes(aapl, chainSpecs.AAPL!);
    const page = await call<{ chains: Row[] }>("get_option_chain", {
      symbol: "AAPL",
      sec_type: "STK",
      exchange: "SMART",
      min_strike: strikes[2],
      max_strike: strikes[10],
      max_strikes: 3,
      strike_offset: 2,
    });
    assert.deepEqual(page.chains[0]?.strikes, strikes.slice(4, 7));
    assert.equal(page.chains[0]?.totalStrikes, 9);
    const defaults = findTool("get_option_chain")!.input.parse({ symbol: "SPX" });
    assert.deepEqual(
      [defaults.sec_type, defaults.exchange, defaults.max_strikes, defaults.strike_offset],
      [undefined, undefined, 20, 0],
    );
    await refused(
      "get_option_chain",
      { symbol: "AAPL", min_strike: 300, max_strike: 100 },
      "INVALID_ARGUMENT",
      /min_strike/,
    );
    await refused("get_option_chain", { symbol: "AAPL", max_strikes: 0 }, "INVALID_ARGUMENT", /max_strikes/);
  });

  it("get_option_quotes gives quotes, implied volatility and greeks for chosen strikes", async () => {
    const [expiry] = optionChainParams("AAPL", aapl.conId)[0]!.expirations;
    const strikes = chainStrikes(aapl, chainSpecs.AAPL!).slice(7, 10);
    const t0 = openNow();
    const out = await call<{ quotes: Array<Row & { greeks: Row }>; failures: Row[] }>("get_option_quotes", {
      symbol: "AAPL",
      expiry,
      right: "C",
      strikes: [strikes[2], strikes[0], strikes[1], strikes[0]],
    });
    assert.deepEqual(out.failures, []);
    assert.deepEqual(
      out.quotes.map((q) => q.strike),
      strikes,
    );
    for (const q of out.quotes) {
      const option = universe().instruments.find(
        (i) =>
          i.secType === "OPT" &&
          i.underSymbol === "AAPL" &&
          i.lastTradeDateOrContractMonth === expiry &&
          i.strike === q.strike &&
          i.right === "C",
      )!;
      // the simulator prices the option off its underlying's delayed price at the moment it answered,
      // somewhere in [t0, t1]: each value lies between the model's at both ends (the tolerance covers rounding)
      const t1 = openNow();
      const [m0, m1] = [t0, t1].map((t) => liveOptionModel(option, t - DELAYED_BY_MS)!);
      const within = (
        k: "impliedVol" | "undPrice" | "delta" | "gamma" | "theta" | "vega",
        got: unknown,
        tol: number,
      ) =>
        assert.ok(
          (got as number) >= Math.min(m0![k], m1![k]) - tol &&
            (got as number) <= Math.max(m0![k], m1![k]) + tol,
          `${k} ${got} vs ${m0![k]}..${m1![k]}`,
        );
      assert.equal((q.contract as Row).conId, option.conId);
      assert.ok(quotedBetween(q.bid as number, option, "bid", t0, t1, DELAYED_BY_MS), `bid ${q.bid}`);
      within("impliedVol", q.greeks.impliedVol, 1e-4);
      within("undPrice", q.greeks.underlyingPrice, 0.01);
      within("delta", q.greeks.delta, 0.001);
      within("gamma", q.greeks.gamma, 0.001);
      within("theta", q.greeks.theta, 0.01);
      within("vega", q.greeks.vega, 0.01);
    }
    await refused(
      "get_option_quotes",
      { symbol: "AAPL", expiry: "2025-01-17", right: "C", strikes: [100] },
      "INVALID_ARGUMENT",
      /expiry/,
    );
    await refused(
      "get_option_quotes",
      { symbol: "AAPL", expiry, right: "X", strikes: [100] },
      "INVALID_ARGUMENT",
      /right/,
    );
    await refused(
      "get_option_quotes",
      { symbol: "AAPL", expiry, right: "C", strikes: Array.from({ length: 21 }, (_, k) => 100 + k) },
      "INVALID_ARGUMENT",
      /at most 20/,
    );
    await refused(
      "get_option_quotes",
      { symbol: "AAPL", expiry, right: "C", strikes: [1] },
      "NOT_FOUND",
      /AAPL/,
    );
  });

  it("get_pnl gives daily, unrealized and realized P&L per account and per position", async () => {
    const t0 = openNow();
    const out = await call<{ accounts: Array<Row & { positions: Row[] }> }>("get_pnl", {});
    const t1 = openNow();
    assert.deepEqual(
      out.accounts.map((a) => a.account),
      [...sim.accounts],
    );
    const acct = out.accounts[0]!;
    withMarksOf(t0, t1, (marks) => {
      for (const p of initialPositions()) {
        const row = acct.positions.find((r) => (r.contract as Row).conId === p.instrument.conId);
        assert.ok(row, `${p.instrument.symbol} is listed`);
        assert.equal(row.position, p.quantity);
        assert.equal(row.dailyPnL, dailyPnl(p, marks));
        assert.equal(row.unrealizedPnL, unrealizedPnl(p, marks));
        assert.equal(row.value, marketValue(p, marks));
      }
    });
    const sum = (k: string) =>
      Math.round(acct.positions.reduce((s, r) => s + (r[k] as number), 0) * 100) / 100;
    assert.equal(acct.dailyPnL, sum("dailyPnL"));
    await refused("get_pnl", { account: "DU0000000" }, "NOT_FOUND", /DU0000000/);
    await refused("get_pnl", { account: "not an account" }, "INVALID_ARGUMENT", /account/);
  });

  it("get_portfolio values every position with market price, value, average cost and unrealized P&L", async () => {
    const t0 = openNow();
    const out = await call<{ items: Row[] }>("get_portfolio", { account: sim.accounts[0] });
    withMarksOf(t0, openNow(), (marks) => {
      for (const p of initialPositions()) {
        const row = out.items.find((r) => (r.contract as Row).conId === p.instrument.conId);
        assert.ok(row, `${p.instrument.symbol} is listed`);
        assert.equal(row.position, p.quantity);
        // marked on the same path as quotes and bars
        assert.equal(row.marketPrice, marks(p.instrument).price);
        assert.equal(row.marketValue, marketValue(p, marks));
        assert.equal(row.averageCost, p.avgCost);
        assert.equal(row.unrealizedPnL, unrealizedPnl(p, marks));
      }
    });
    const bought = out.items.find((r) => (r.contract as Row).conId === ibm.conId);
    assert.equal(bought?.position, 10, "the fill of the other client shows up");
    await refused("get_portfolio", { account: "DU0000000" }, "NOT_FOUND", /DU0000000/);
  });

  it("get_open_orders lists the resting order of another client", async () => {
    const out = await call<{ orders: Row[] }>("get_open_orders", {});
    assert.equal(out.orders.length, 1);
    const o = out.orders[0]!;
    assert.equal(o.orderId, 2);
    assert.equal((o.contract as Row).conId, ibm.conId);
    assert.equal(o.action, "BUY");
    assert.equal(o.totalQuantity, 5);
    assert.equal(o.orderType, "LMT");
    assert.equal(o.limitPrice, 100);
    assert.equal(o.status, "Submitted");
    await refused("get_open_orders", "all", "INVALID_ARGUMENT", /arguments/);
  });

  it("get_executions lists the fill with its commission, filtered by symbol", async () => {
    const out = await call<{ executions: Row[] }>("get_executions", { symbol: "IBM" });
    assert.equal(out.executions.length, 1);
    const e = out.executions[0]!;
    assert.equal(e.orderId, 1);
    assert.equal(e.side, "BOT");
    assert.equal(e.shares, 10);
    assert.equal(e.commission, commissionFor(ibm, 10, e.price as number));
    assert.equal(e.commissionCurrency, "USD");
    const none = await call<{ executions: Row[] }>("get_executions", { symbol: "AAPL" });
    assert.deepEqual(none.executions, []);
    await refused("get_executions", { account: "DU0000000" }, "NOT_FOUND", /DU0000000/);
  });

  it("get_news_providers lists the simulator's providers", async () => {
    const out = await call<{ providers: Row[] }>("get_news_providers", {});
    assert.deepEqual(
      out.providers,
      NEWS_PROVIDERS.map((p) => ({ code: p.providerCode, name: p.providerName })),
    );
  });

  it("get_trading_hours gives 09:30-16:00 liquid hours on weekdays and closed weekends", async () => {
    const out = await call<{ timeZoneId: string; liquidHours: Row[]; tradingHours: Row[] }>(
      "get_trading_hours",
      {
        symbol: "AAPL",
      },
    );
    assert.equal(out.timeZoneId, aapl.timeZoneId);
    assert.equal(out.liquidHours.length, 7);
    for (const d of out.liquidHours) {
      const weekday = new Date(`${d.date}T12:00:00Z`).getUTCDay();
      const weekend = weekday === 0 || weekday === 6;
      assert.equal(d.closed, weekend, String(d.date));
      assert.deepEqual(d.sessions, weekend ? [] : [{ open: `${d.date}T09:30`, close: `${d.date}T16:00` }]);
    }
    assert.deepEqual(
      (out.tradingHours[0]?.sessions as Row[] | undefined)?.[0]?.open?.toString().slice(11),
      out.tradingHours[0]?.closed ? undefined : "04:00",
    );
    await refused("get_trading_hours", { symbol: "NOSUCHX" }, "NOT_FOUND", /NOSUCHX/);
  });
});
