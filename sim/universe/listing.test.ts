import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bonds } from "./bonds.ts";
import { chainSpecs } from "./derivatives.ts";
import { dayKind } from "./exchange-calendar.ts";
import { SIM_CONID_MIN } from "./hash.ts";
import { buildUniverse, matchContracts, matchSymbols, optionChainParams, universe } from "./instruments.ts";
import { chainStrikes } from "./option-contracts.ts";
import { isMarketHoliday } from "./option-expiries.ts";
import { optionModel } from "./quotes.ts";
import { cusipCheckDigit, isinOfCusip } from "./security-ids.ts";

const REAL_CONIDS: Record<string, number> = {
  AAPL: 265598,
  MSFT: 272093,
  NVDA: 4815747,
  IBM: 8314,
  TSLA: 76792991,
  AMZN: 3691937,
  GOOGL: 208813719,
  META: 107113386,
  AMD: 4391,
  JPM: 1520593,
  SPY: 756733,
  QQQ: 320227571,
  IWM: 9579970,
  SPX: 416904,
  NDX: 416843,
  RUT: 416888,
  VIX: 13455763,
  DAX: 825711,
  "EUR.USD": 12087792,
  "GBP.USD": 12087797,
  "USD.JPY": 15016059,
  "USD.CHF": 12087820,
  "AUD.USD": 14433401,
  "USD.CAD": 15016062,
  "NZD.USD": 39453441,
  BTC: 479624278,
  ETH: 495512563,
};

describe("the listed universe", { timeout: 30_000 }, () => {
  const u = buildUniverse(new Date(Date.UTC(2026, 10, 25, 15)));
  const of = (secType: string) => u.instruments.filter((i) => i.secType === secType);

  it("has 500+ US stocks and ETFs, the US indices, futures roots, FX majors, coins and bonds", () => {
    assert.ok(of("STK").length >= 500, `${of("STK").length} stocks and ETFs`);
    assert.ok(of("STK").filter((i) => i.stockType === "ETF").length >= 50);
    for (const s of ["PLTR", "AMC", "GME", "SOFI", "RIVN", "DIA", "TLT", "GLD", "XLF"])
      assert.ok(u.bySymbol.get(`${s}|STK`), s);
    assert.deepEqual(
      of("IND")
        .map((i) => i.symbol)
        .sort(),
      ["DAX", "DJX", "NDX", "RUT", "SPX", "VIX", "XSP"],
    );
    const roots = new Set(of("FUT").map((i) => i.tradingClass));
    assert.deepEqual([...roots].sort(), ["6E", "CL", "ES", "GC", "NQ", "RTY", "SI", "YM", "ZB", "ZN"]);
    assert.equal(of("CASH").length, 7);
    assert.deepEqual(
      of("CRYPTO")
        .map((i) => i.symbol)
        .sort(),
      ["BCH", "BTC", "ETH", "LTC"],
    );
    assert.ok(of("BOND").length >= 10);
  });

  it("keeps IB's documented conIds and puts every other id in the simulator's reserved range", () => {
    for (const [name, conId] of Object.entries(REAL_CONIDS)) {
      const i = u.byConId.get(conId);
      assert.equal(i?.secType === "CASH" ? i.localSymbol : i?.symbol, name);
    }
    const real = new Set(Object.values(REAL_CONIDS));
    for (const i of u.instruments) if (!real.has(i.conId)) assert.ok(i.conId >= SIM_CONID_MIN, i.symbol);
    assert.equal(u.byConId.size, u.instruments.length, "conIds are unique");
  });

  it("lists futures by IB's rules: local symbols, multipliers, crude trading out the month before", () => {
    const cl = of("FUT").filter((i) => i.tradingClass === "CL");
    assert.equal(cl[0]?.localSymbol, "CLF7");
    assert.equal(cl[0]?.contractMonth, "202701");
    assert.ok(cl[0]!.lastTradeDateOrContractMonth < "20270101", "CL Jan 2027 stops trading in December");
    assert.equal(of("FUT").find((i) => i.tradingClass === "ZN")?.localSymbol, "ZN   DEC 26");
    assert.equal(of("FUT").find((i) => i.tradingClass === "6E")?.symbol, "EUR");
    assert.equal(of("FUT").find((i) => i.tradingClass === "GC")?.multiplier, "100");
  });

  it("resolves any listed expiry and grid strike on SMART and on each listing exchange, and nothing off the grid", () => {
    const spx = universe().bySymbol.get("SPX|IND")!;
    const rows = optionChainParams("SPX", spx.conId);
    assert.deepEqual([...new Set(rows.map((r) => r.exchange))], ["SMART", "CBOE"]);
    assert.deepEqual([...new Set(rows.map((r) => r.tradingClass))], ["SPX", "SPXW"]);
    const q = { symbol: "SPX", secType: "OPT", right: "C" };
    for (const row of rows)
      for (const expiry of [row.expirations[0]!, row.expirations.at(-1)!]) {
        const strike = row.strikes[3]!;
        const hits = matchContracts({
          ...q,
          lastTradeDateOrContractMonth: expiry,
          strike,
          exchange: row.exchange,
          tradingClass: row.tradingClass,
        });
        assert.equal(hits.length, 1, `${row.tradingClass} ${expiry} ${strike} on ${row.exchange}`);
        assert.equal(universe().byConId.get(hits[0]!.conId), hits[0], "resolvable by conId from then on");
      }
    const expiry = rows[0]!.expirations[0]!;
    assert.equal(
      matchContracts({ ...q, lastTradeDateOrContractMonth: expiry, strike: 4000, tradingClass: "SPX" })
        .length,
      1,
      "a grid strike beyond the listed ones",
    );
    assert.equal(
      matchContracts({ ...q, lastTradeDateOrContractMonth: expiry, strike: 5902 }).length,
      0,
      "off the 5-point grid",
    );
    assert.equal(
      matchContracts({ ...q, lastTradeDateOrContractMonth: expiry, strike: 5900, exchange: "NASDAQOM" })
        .length,
      0,
    );
  });

  it("lists weeklies, monthlies, quarterlies and LEAPS, never on a market holiday; VIX expires on Wednesdays", () => {
    const aapl = optionChainParams("AAPL", 265598)[0]!.expirations;
    assert.ok(aapl.length >= 10);
    const vix = optionChainParams("VIX", 13455763).find((r) => r.tradingClass === "VIX")!.expirations;
    for (const e of vix)
      assert.equal(new Date(Date.UTC(+e.slice(0, 4), +e.slice(4, 6) - 1, +e.slice(6, 8))).getUTCDay(), 3, e);
    for (const row of [...optionChainParams("SPX", 416904), ...optionChainParams("QQQ", 320227571)])
      for (const e of row.expirations) {
        // the calendar the sessions, bars and fills use: an option never expires on a day they call closed
        const wd = new Date(Date.UTC(+e.slice(0, 4), +e.slice(4, 6) - 1, +e.slice(6, 8))).getUTCDay();
        assert.notEqual(dayKind("us-index", e, wd), "closed", e);
      }
    assert.ok(isMarketHoliday(new Date(Date.UTC(2027, 2, 26))), "Good Friday 2027");
    assert.ok(isMarketHoliday(new Date(Date.UTC(2026, 10, 26))), "Thanksgiving 2026");
    // Easter 2029 is April 1: Good Friday is March 30, and the Friday after Easter trades
    assert.ok(isMarketHoliday(new Date(Date.UTC(2029, 2, 30))), "Good Friday 2029");
    assert.ok(!isMarketHoliday(new Date(Date.UTC(2029, 3, 6))), "the Friday after Easter 2029");
  });

  it("prices options on one volatility surface: parity, put skew, strikes on the price grid", () => {
    const spy = universe().bySymbol.get("SPY|STK")!;
    const expiry = optionChainParams("SPY", spy.conId)[0]!.expirations[8]!;
    const opt = (strike: number, right: string) =>
      matchContracts({
        symbol: "SPY",
        secType: "OPT",
        lastTradeDateOrContractMonth: expiry,
        strike,
        right,
      })[0]!;
    const k = Math.round(spy.price);
    const c = optionModel(opt(k, "C"))!;
    const p = optionModel(opt(k, "P"))!;
    assert.equal(c.impliedVol, p.impliedVol);
    const t =
      (Date.UTC(+expiry.slice(0, 4), +expiry.slice(4, 6) - 1, +expiry.slice(6, 8), 21) - Date.now()) /
      (365 * 86_400_000);
    assert.ok(Math.abs(c.optPrice - p.optPrice - (spy.price - k * Math.exp(-0.04 * t))) < 0.02);
    assert.ok(
      optionModel(opt(k - 40, "P"))!.impliedVol > optionModel(opt(k + 40, "C"))!.impliedVol,
      "put skew",
    );
    const aapl = universe().bySymbol.get("AAPL|STK")!;
    assert.ok(chainStrikes(aapl, chainSpecs.AAPL!).every((s) => (s < 250 ? s % 2.5 === 0 : s % 5 === 0)));
  });

  it("finds bonds by CUSIP and ISIN with valid check digits", () => {
    assert.equal(isinOfCusip("037833100"), "US0378331005", "Apple's share ISIN");
    for (const b of bonds) {
      assert.equal(cusipCheckDigit(b.symbol), b.symbol[8]);
      assert.equal(matchContracts({ symbol: isinOfCusip(b.symbol), secType: "BOND" })[0]?.conId, b.conId);
      assert.equal(matchContracts({ secIdType: "ISIN", secId: isinOfCusip(b.symbol) })[0]?.conId, b.conId);
    }
  });

  it("searches symbols first, then words of names, at most 16", () => {
    assert.equal(matchSymbols("AMC")[0]?.symbol, "AMC");
    assert.equal(matchSymbols("palantir")[0]?.symbol, "PLTR");
    assert.equal(matchSymbols("bank of america")[0]?.symbol, "BAC");
    assert.deepEqual(
      matchSymbols("MS")
        .slice(0, 2)
        .map((i) => i.symbol),
      ["MS", "MSFT"],
    );
    assert.ok(matchSymbols("A").length === 16);
  });
});
