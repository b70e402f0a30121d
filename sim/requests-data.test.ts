import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  EventName,
  type IBApi,
  type IBApiNext,
  IBApiNextTickType,
  SecType,
  IBApiTickType as TickType,
  WhatToShow,
} from "@stoqey/ib";
import { waitFor } from "./testing/clients.ts";
import { openSession, type SimSession } from "./testing/session.ts";
import { generateBars } from "./universe/bars.ts";
import { fundamentalXml, REPORT_TYPES } from "./universe/fundamentals.ts";
import { findInstrument, universe } from "./universe/instruments.ts";
import { liveOptionModel, liveQuote } from "./universe/live-price.ts";
import { formatNewsTime, headlinesFor } from "./universe/news.ts";

describe("the simulator serves historical, fundamental, news and market data to the real @stoqey/ib client", {
  timeout: 30_000,
}, () => {
  let s: SimSession;
  let next: IBApiNext;
  let api: IBApi;
  const aapl = findInstrument("AAPL", "STK")!;

  before(async () => {
    s = await openSession({ timeScale: 0.01 });
    ({ next, api } = s);
  });
  after(async () => {
    await s.close();
  });

  it("reqHistoricalData: bars equal generateBars for the same request", async () => {
    const end = "20250103 16:00:00 US/Eastern";
    const bars = await next.getHistoricalData(
      { conId: 265598, exchange: "SMART" },
      end,
      "2 D",
      "1 hour" as never,
      WhatToShow.TRADES,
      1,
      1,
    );
    const expected = generateBars({
      instrument: aapl,
      endMs: Date.UTC(2025, 0, 3, 21),
      duration: { count: 2, unit: "D" },
      barSeconds: 3600,
      whatToShow: "TRADES",
      useRTH: true,
    });
    assert.equal(bars.length, expected.length);
    assert.equal(bars.length, 14, "two RTH days of 7 hourly bars");
    assert.equal(bars[0]?.time, "20250102 09:30:00 US/Eastern");
    assert.equal(bars[1]?.time, "20250102 10:00:00 US/Eastern");
    assert.deepEqual(
      bars.map((b) => [b.open, b.high, b.low, b.close, b.volume]),
      expected.map((b) => [b.open, b.high, b.low, b.close, b.volume]),
    );
  });

  it("reqHistoricalData: daily bars with formatDate 2, MIDPOINT has no volume", async () => {
    const bars = await next.getHistoricalData(
      { conId: 265598, exchange: "SMART" },
      "20250110-21:00:00",
      "1 W",
      "1 day" as never,
      WhatToShow.MIDPOINT,
      1,
      2,
    );
    assert.deepEqual(
      bars.map((b) => b.time),
      ["20250106", "20250107", "20250108", "20250109", "20250110"],
    );
    assert.ok(
      bars.every((b) => b.volume === undefined && b.close !== undefined),
      "IBApiNext drops the -1 volume",
    );
  });

  it("reqHistoricalData: minute bars in epoch seconds", async () => {
    const bars = await next.getHistoricalData(
      { conId: 265598, exchange: "SMART" },
      "20250110 10:00:00 US/Eastern",
      "1800 S",
      "1 min" as never,
      WhatToShow.BID,
      1,
      2,
    );
    assert.equal(bars.length, 30);
    assert.equal(bars[0]?.time, String(Date.UTC(2025, 0, 10, 14, 30) / 1000));
  });

  it("reqHeadTimestamp", async () => {
    const ts = await next.getHeadTimestamp({ conId: 265598, exchange: "SMART" }, WhatToShow.TRADES, true, 1);
    assert.equal(ts, "19801212-14:30:00");
  });

  it("reqFundamentalData: every report type, 430 for an ETF", async () => {
    for (const type of REPORT_TYPES) {
      const xml = await next.getFundamentalData(
        { conId: 265598, symbol: "AAPL", secType: SecType.STK, exchange: "SMART", currency: "USD" },
        type,
      );
      assert.equal(xml, fundamentalXml(aapl, type), type);
      assert.match(xml ?? "", /^<\?xml/);
    }
    await assert.rejects(
      next.getFundamentalData(
        { symbol: "SPY", secType: SecType.STK, exchange: "SMART", currency: "USD" },
        "ReportSnapshot",
      ),
      (e: { code?: number }) => e.code === 430,
    );
  });

  it("news: providers, historical headlines and an article", async () => {
    const providers = waitFor<[Array<{ providerCode: string }>]>(api, EventName.newsProviders);
    api.reqNewsProviders();
    assert.deepEqual(
      (await providers)[0].map((p) => p.providerCode),
      ["BRFG", "BRFUPDN", "DJNL"],
    );
    const headlines: Array<[number, string, string, string, string]> = [];
    const onNews = (...a: [number, string, string, string, string]) => headlines.push(a);
    api.on(EventName.historicalNews, onNews);
    const end = waitFor<[number, boolean]>(api, EventName.historicalNewsEnd, (id) => id === 77);
    api.reqHistoricalNews(77, 265598, "BRFG+BRFUPDN+DJNL", "", "", 5);
    const [, hasMore] = await end;
    api.off(EventName.historicalNews, onNews);
    const expected = headlinesFor(aapl, Date.now(), 10).slice(0, 5);
    assert.equal(hasMore, true);
    assert.deepEqual(
      headlines.map((h) => [h[1], h[3], h[4]]),
      expected.map((h) => [formatNewsTime(h.time), h.articleId, h.headline]),
    );
    const article = waitFor<[number, number, string]>(api, EventName.newsArticle, (id) => id === 78);
    api.reqNewsArticle(78, expected[0]!.providerCode, expected[0]!.articleId, []);
    const [, type, text] = await article;
    assert.equal(type, 0);
    assert.ok(text.startsWith(expected[0]!.headline));
  });

  it("reqMktData snapshot: live quote ticks on the one price path", async () => {
    const t0 = Date.now();
    const md = await next.getMarketDataSnapshot({ conId: 265598, exchange: "SMART" }, "", false);
    const [a, b] = [liveQuote(aapl, t0), liveQuote(aapl, Date.now())];
    // priced between the two instants: within the move of that interval and a cent
    const near = (tick: TickType, x: number, y: number) => {
      const v = md.get(tick)?.value ?? Number.NaN;
      assert.ok(v >= Math.min(x, y) - 0.011 && v <= Math.max(x, y) + 0.011, `${tick}: ${v} vs ${x}..${y}`);
    };
    near(TickType.BID, a.bid, b.bid);
    near(TickType.ASK, a.ask, b.ask);
    near(TickType.LAST, a.last, b.last);
    const q = b;
    assert.equal(md.get(TickType.CLOSE)?.value, q.close);
    assert.equal(md.get(TickType.BID_SIZE)?.value, q.bidSize);
    assert.equal(md.get(TickType.VOLUME)?.value, q.volume);
  });

  it("reqMktData snapshot: option greeks and implied volatility", async () => {
    const opt = universe().instruments.find(
      (i) => i.secType === "OPT" && i.symbol === "AAPL" && i.right === "C",
    )!;
    const t0 = Date.now();
    const md = await next.getMarketDataSnapshot({ conId: opt.conId, exchange: "SMART" }, "", false);
    // priced off AAPL's live price at the instant the simulator answered, somewhere in [t0, t1]
    const [m0, m1] = [t0, Date.now()].map((t) => liveOptionModel(opt, t)!);
    const within = (got: number | undefined, k: "impliedVol" | "delta" | "gamma" | "optPrice") =>
      assert.ok(
        got !== undefined && got >= Math.min(m0![k], m1![k]) - 1e-9 && got <= Math.max(m0![k], m1![k]) + 1e-9,
        `${k} ${got} vs ${m0![k]}..${m1![k]}`,
      );
    within(md.get(IBApiNextTickType.MODEL_OPTION_IV)?.value, "impliedVol");
    within(md.get(IBApiNextTickType.MODEL_OPTION_DELTA)?.value, "delta");
    within(md.get(IBApiNextTickType.MODEL_OPTION_GAMMA)?.value, "gamma");
    within(md.get(IBApiNextTickType.MODEL_OPTION_PRICE)?.value, "optPrice");
  });

  it("reqMktData streaming ticks until cancelled, freeing the line", async () => {
    let ticks = 0;
    const onTick = (reqId: number) => {
      if (reqId === 500) ticks++;
    };
    api.on(EventName.tickPrice, onTick);
    api.reqMktData(500, { conId: 756733, exchange: "SMART" }, "", false, false);
    await waitFor(api, EventName.tickPrice, (id: number) => id === 500);
    const first = ticks;
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(ticks > first, "more ticks arrive while subscribed");
    api.cancelMktData(500);
    await new Promise((r) => setTimeout(r, 50));
    const stopped = ticks;
    await new Promise((r) => setTimeout(r, 100));
    api.off(EventName.tickPrice, onTick);
    assert.equal(ticks, stopped, "no ticks after cancelMktData");
  });

  it("every reply decoded cleanly (no underrun or leftover fields)", () => {
    assert.deepEqual(s.decodeProblems(), []);
    const stats = s.sim.stats();
    assert.ok((stats.requests.reqHistoricalData ?? 0) >= 3);
    assert.equal(stats.errorsSent["162"], undefined);
  });
});
