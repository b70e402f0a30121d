import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateBars } from "./bars.ts";
import { fundamentalXml, REPORT_TYPES } from "./fundamentals.ts";
import { buildUniverse, findInstrument, matchContracts, matchSymbols } from "./instruments.ts";
import { headlinesFor } from "./news.ts";

describe("the deterministic universe", { timeout: 30_000 }, () => {
  const u = buildUniverse(new Date(Date.UTC(2026, 10, 25, 15)));

  it("has at least 20 instruments across every asset class, with IB's real conIds", () => {
    const base = u.instruments.filter((i) => i.secType !== "OPT" && i.secType !== "FUT");
    assert.ok(base.length >= 20, `${base.length} base instruments`);
    const classes = new Set(u.instruments.map((i) => i.secType));
    assert.deepEqual([...classes].sort(), ["BOND", "CASH", "CRYPTO", "FUT", "IND", "OPT", "STK"]);
    assert.equal(u.byConId.get(265598)?.symbol, "AAPL");
    assert.equal(u.byConId.get(825711)?.exchange, "EUREX");
    assert.equal(u.byConId.get(479624278)?.exchange, "PAXOS");
    assert.equal(u.byConId.size, u.instruments.length, "conIds are unique");
  });

  it("computes ES expiries as the next quarterly third Fridays", () => {
    const es = u.instruments.filter((i) => i.symbol === "ES" && i.secType === "FUT");
    assert.deepEqual(
      es.map((i) => [i.lastTradeDateOrContractMonth, i.localSymbol]),
      [
        ["20261218", "ESZ6"],
        ["20270319", "ESH7"],
        ["20270618", "ESM7"],
        ["20270917", "ESU7"],
      ],
    );
  });

  it("lists weeklies, monthlies and LEAPS on AAPL and SPY; strikes around the price", () => {
    for (const sym of ["AAPL", "SPY"]) {
      const chain = u.instruments.filter((i) => i.secType === "OPT" && i.symbol === sym);
      const expiries = [...new Set(chain.map((i) => i.lastTradeDateOrContractMonth))].sort();
      assert.ok(expiries.includes("20261127"), `${sym} lists this week's Friday`);
      const under = chain[0]!.underConId;
      const price = u.byConId.get(under)!.price;
      const strikes = chain.map((i) => i.strike);
      assert.ok(Math.min(...strikes) < price && Math.max(...strikes) > price);
    }
    const aapl = u.instruments.filter((i) => i.secType === "OPT" && i.symbol === "AAPL");
    const expiries = [...new Set(aapl.map((i) => i.lastTradeDateOrContractMonth))].sort();
    assert.ok(expiries.includes("20261218"), "the December monthly");
    assert.equal(expiries.at(-1), "20280121", "LEAPS");
    assert.equal(buildUniverse(new Date(Date.UTC(2026, 10, 25))).instruments.length, u.instruments.length);
  });

  it("matches contracts and symbols like IB", () => {
    assert.equal(matchContracts({ symbol: "aapl", secType: "STK", exchange: "NASDAQ" })[0]?.conId, 265598);
    assert.equal(matchContracts({ symbol: "AAPL", secType: "STK", currency: "EUR" }).length, 0);
    assert.deepEqual(
      matchSymbols("APPLE").map((i) => i.symbol),
      ["AAPL", "037833AL4", "037833DX5"],
    );
    assert.equal(matchSymbols("").length, 0);
  });

  it("generateBars: the same request gives the same bars; windows agree where they overlap", () => {
    const aapl = findInstrument("AAPL", "STK")!;
    const req = {
      instrument: aapl,
      endMs: Date.UTC(2025, 0, 10, 21),
      duration: { count: 1, unit: "D" as const },
      barSeconds: 300,
      whatToShow: "TRADES" as const,
      useRTH: true,
    };
    const a = generateBars(req);
    assert.deepEqual(generateBars(req), a);
    assert.equal(a.length, 78, "6.5 hours of 5-minute bars");
    const longer = generateBars({ ...req, duration: { count: 2, unit: "D" } });
    assert.deepEqual(longer.slice(-78), a);
    const eth = generateBars({ ...req, useRTH: false });
    assert.equal(eth.length, 12 * 12, "04:00 to the 16:00 end with extended hours");
    const ask = generateBars({ ...req, whatToShow: "ASK" });
    assert.ok(ask.every((b, k) => b.close > a[k]!.close && b.volume === -1));
    for (const b of a) assert.ok(b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close));
  });

  it("generateBars: weekly and monthly bars aggregate days; crypto trades weekends", () => {
    const spy = findInstrument("SPY", "STK")!;
    const base = {
      instrument: spy,
      endMs: Date.UTC(2025, 5, 30, 21),
      whatToShow: "TRADES" as const,
      useRTH: true,
    };
    assert.equal(
      generateBars({ ...base, duration: { count: 6, unit: "M" }, barSeconds: 2_592_000 }).length,
      7,
    );
    const weeks = generateBars({ ...base, duration: { count: 4, unit: "W" }, barSeconds: 604_800 });
    assert.ok(weeks.length === 4 || weeks.length === 5);
    const btc = findInstrument("BTC", "CRYPTO")!;
    const days = generateBars({
      ...base,
      instrument: btc,
      duration: { count: 7, unit: "D" },
      barSeconds: 86_400,
    });
    assert.equal(days.length, 7);
  });

  it("fundamentals: every report type for stocks, none for ETFs", () => {
    const msft = findInstrument("MSFT", "STK")!;
    for (const t of REPORT_TYPES) assert.match(fundamentalXml(msft, t) ?? "", /^<\?xml version="1.0"/, t);
    assert.match(fundamentalXml(msft, "ReportSnapshot")!, /<CoID Type="CompanyName">MICROSOFT CORP<\/CoID>/);
    assert.equal(fundamentalXml(findInstrument("SPY", "STK")!, "ReportSnapshot"), undefined);
    assert.equal(fundamentalXml(msft, "Bogus"), undefined);
  });

  it("news: stable within a day, newest first, all in the past", () => {
    const now = Date.UTC(2026, 10, 25, 15);
    const h = headlinesFor(findInstrument("NVDA", "STK")!, now);
    assert.deepEqual(headlinesFor(findInstrument("NVDA", "STK")!, now + 3_600_000), h);
    assert.ok(h.every((x, k) => x.time < now && (k === 0 || x.time <= h[k - 1]!.time)));
    assert.equal(new Set(h.map((x) => x.articleId)).size, h.length);
  });
});
