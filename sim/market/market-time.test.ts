import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  type Contract,
  EventName,
  type IBApi,
  type IBApiNext,
  OrderAction,
  OrderType,
  IBApiTickType as TickType,
  WhatToShow,
} from "@stoqey/ib";
import { lastValueFrom, timeout } from "rxjs";
import { collectCodes, until, waitFor } from "../testing/clients.ts";
import { openSession, type SimSession } from "../testing/session.ts";
import { findInstrument } from "../universe/instruments.ts";
import { livePrice, liveQuote } from "../universe/live-price.ts";
import { roundToTick } from "../universe/quotes.ts";
import { syntheticMarket } from "./market.ts";
import { parseReplayCsv } from "./replay-csv.ts";
import { loadReplayDir, replayMarket } from "./replay-market.ts";

/** 11:00 US/Eastern on the day after Thanksgiving 2026 (a half day). */
const NOW = Date.UTC(2026, 10, 27, 16);
const aapl = findInstrument("AAPL", "STK")!;
const AAPL: Contract = { conId: aapl.conId, exchange: "SMART" };

describe("the simulator's clock, calendar and one price path, through the real @stoqey/ib client", {
  timeout: 60_000,
}, () => {
  let s: SimSession;
  let next: IBApiNext;
  let api: IBApi;
  let codes: ReturnType<typeof collectCodes>;

  before(async () => {
    s = await openSession({ timeScale: 0.01, market: replayMarket(syntheticMarket, new Map(), () => NOW) });
    ({ next, api } = s);
    codes = collectCodes(api);
  });
  after(async () => {
    await s.close();
  });

  it("the live quote continues the daily bars: same last price, no holiday bar", async () => {
    const eth = await next.getHistoricalData(AAPL, "", "5 D", "1 day" as never, WhatToShow.TRADES, 0, 1);
    const rth = await next.getHistoricalData(AAPL, "", "5 D", "1 day" as never, WhatToShow.TRADES, 1, 1);
    assert.deepEqual(
      rth.map((b) => b.time),
      ["20261120", "20261123", "20261124", "20261125", "20261127"],
    );
    const md = await next.getMarketDataSnapshot(AAPL, "", false);
    const last = md.get(TickType.LAST)?.value;
    assert.equal(last, eth.at(-1)?.close, "the quote's last is the last bar's close");
    assert.ok(Math.abs((last ?? 0) / (rth.at(-1)?.close ?? 1) - 1) < 0.01, "and within 1% of the RTH close");
    assert.equal(md.get(TickType.CLOSE)?.value, rth.at(-2)?.close, "close is the previous session's");
  });

  it("trading hours show the half day's early close in IB's format", async () => {
    const [d] = await next.getContractDetails(AAPL);
    assert.match(
      d?.liquidHours ?? "",
      /^20261127:0930-20261127:1300;20261128:CLOSED;20261129:CLOSED;20261130:0930/,
    );
    assert.match(d?.tradingHours ?? "", /^20261127:0400-20261127:1700;/);
  });

  it("after reqMarketDataType(3) the ticks are IB's delayed tick types, 15 minutes behind", async () => {
    const types = new Set<number>();
    const prices = new Map<number, number>();
    api.on(EventName.tickPrice, (id: number, t: number, p: number) => {
      if (id === 31) {
        types.add(t);
        prices.set(t, p);
      }
    });
    const dataType = waitFor<[number, number]>(api, EventName.marketDataType, (id) => id === 31);
    api.reqMarketDataType(3);
    api.reqMktData(31, AAPL, "", true, false);
    assert.equal((await dataType)[1], 3);
    await until(() => types.has(TickType.DELAYED_LAST), 5000, "delayed last");
    for (const live of [TickType.BID, TickType.ASK, TickType.LAST])
      assert.ok(!types.has(live), `no live ${live}`);
    assert.ok(types.has(TickType.DELAYED_BID) && types.has(TickType.DELAYED_ASK));
    assert.equal(prices.get(TickType.DELAYED_LAST), liveQuote(aapl, NOW - 15 * 60_000).last);
    api.reqMarketDataType(1);
  });

  it("historical TRADES ticks from a start: oldest first, in session, on the price path", async () => {
    // Thanksgiving has no trades: ticks start at the next open
    const ticks = await lastValueFrom(
      next.getHistoricalTicksLast(AAPL, "20261126 09:30:00 US/Eastern", "", 100, 1).pipe(timeout(5000)),
    );
    assert.equal(ticks.length, 100);
    const open = Date.UTC(2026, 10, 27, 14, 30) / 1000;
    assert.ok((ticks[0]?.time ?? 0) >= open, `first tick ${ticks[0]?.time} after the next open ${open}`);
    for (const [k, t] of ticks.entries()) {
      if (k > 0) assert.ok((t.time ?? 0) >= (ticks[k - 1]?.time ?? 0));
      assert.equal(t.price, roundToTick(livePrice(aapl, (t.time ?? 0) * 1000), aapl.minTick));
      assert.ok((t.size ?? 0) > 0 && (t.exchange ?? "") !== "");
    }
  });

  it("historical BID_ASK and MIDPOINT ticks back from an end", async () => {
    const end = "20261127 10:00:00 US/Eastern";
    const endSec = Date.UTC(2026, 10, 27, 15) / 1000;
    const ba = await lastValueFrom(
      next.getHistoricalTicksBidAsk(AAPL, "", end, 50, 1, false).pipe(timeout(5000)),
    );
    assert.equal(ba.length, 50);
    assert.ok(ba.every((t) => (t.time ?? 0) <= endSec && (t.priceBid ?? 0) < (t.priceAsk ?? 0)));
    const mid = await lastValueFrom(next.getHistoricalTicksMid(AAPL, "", end, 20, 1).pipe(timeout(5000)));
    assert.equal(mid.length, 20);
    const last = ba.at(-1)!;
    assert.equal(mid.at(-1)?.time, last.time);
    assert.ok(Math.abs((mid.at(-1)?.price ?? 0) - ((last.priceBid ?? 0) + (last.priceAsk ?? 0)) / 2) < 1e-6);
  });

  it("answers bad historical tick and bar requests with IB's errors", async () => {
    const ask = (reqId: number, start: string, end: string, n: number, what: string) =>
      api.reqHistoricalTicks(reqId, AAPL, start, end, n, what as WhatToShow, 1, false);
    ask(41, "20261127 09:30:00", "20261127 10:00:00", 10, "TRADES");
    ask(42, "", "", 10, "TRADES");
    ask(43, "20261127 09:30:00", "", 1001, "TRADES");
    ask(44, "20261127 09:30:00", "", 10, "BID");
    ask(45, "yesterday", "", 10, "TRADES");
    api.reqHistoricalData(46, AAPL, "yesterday", "1 D", "1 hour" as never, "TRADES", 1, 1, false);
    await until(() => codes.filter((c) => c.reqId >= 41 && c.reqId <= 46).length === 6, 5000, "six errors");
    const byId = (id: number) => codes.find((c) => c.reqId === id);
    for (const id of [41, 42])
      assert.match(byId(id)?.message ?? "", /exactly one of startDateTime and endDateTime/);
    assert.equal(byId(43)?.code, 321);
    assert.match(byId(43)?.message ?? "", /1000/);
    assert.match(byId(44)?.message ?? "", /TRADES, BID_ASK or MIDPOINT/);
    assert.equal(byId(45)?.code, 10314);
    assert.equal(byId(46)?.code, 10314, "bars with an unreadable end date: IB's 10314 too");
  });

  it("the server time and the news follow the simulated clock", async () => {
    assert.equal(await next.getCurrentTime(), NOW / 1000);
    const first = waitFor<[number, string]>(api, EventName.historicalNews, (id) => id === 51);
    api.reqHistoricalNews(51, aapl.conId, "BRFG+BRFUPDN+DJNL", "", "", 5);
    const [, time] = await first;
    assert.match(time, /^2026-11-26/, `the newest headline (${time}) is from the day before the clock's`);
  });

  it("the account's update time is the simulated clock's", async () => {
    const stamp = waitFor<[string]>(api, EventName.updateAccountTime, () => true);
    api.reqAccountUpdates(true, "DU1234567");
    const [time] = await stamp;
    api.reqAccountUpdates(false, "DU1234567");
    assert.equal(time, "16:00", "IB's HH:MM of the replay clock");
  });

  it("a fill is stamped with the simulated clock, at the price on its path", async () => {
    const exec = waitFor<[number, unknown, { time?: string; price?: number }]>(api, EventName.execDetails);
    api.placeOrder(71, AAPL, {
      action: OrderAction.BUY,
      orderType: OrderType.MKT,
      totalQuantity: 1,
      transmit: true,
    });
    const [, , e] = await exec;
    assert.equal(e.time, "20261127 11:00:00 US/Eastern");
    const ask = liveQuote(aapl, NOW).ask;
    assert.ok(Math.abs((e.price ?? 0) / ask - 1) < 0.01, `filled at ${e.price}, ask ${ask}`);
  });

  it("every reply decoded cleanly", () => {
    assert.deepEqual(s.decodeProblems(), []);
  });
});

describe("market replay from CSV files, through the real @stoqey/ib client", { timeout: 60_000 }, () => {
  const dir = fileURLToPath(new URL("../replay-sample/", import.meta.url));
  const data = loadReplayDir(dir);
  const rows = data.get(aapl.conId)!.rows;
  /** 10:00:30 US/Eastern on the replayed day. */
  const at = Date.UTC(2026, 10, 27, 15, 0, 30);
  let s: SimSession;

  before(async () => {
    s = await openSession({ timeScale: 0.01, market: replayMarket(syntheticMarket, data, () => at) });
  });
  after(async () => {
    await s.close();
  });

  it("serves the file's one-minute bars up to the replay clock, the forming bar cut at it", async () => {
    const bars = await s.next.getHistoricalData(AAPL, "", "1 D", "1 min" as never, WhatToShow.TRADES, 1, 2);
    assert.equal(bars.length, 31, "09:30 to 10:00, the 10:00 bar still forming");
    assert.deepEqual(
      bars.slice(0, 30).map((b) => [Number(b.time) * 1000, b.open, b.high, b.low, b.close, b.volume]),
      rows.slice(0, 30).map((r) => [r.start, r.open, r.high, r.low, r.close, r.volume]),
    );
    const fiveMin = await s.next.getHistoricalData(
      AAPL,
      "",
      "1 D",
      "5 mins" as never,
      WhatToShow.TRADES,
      1,
      2,
    );
    assert.equal(fiveMin[0]?.high, Math.max(...rows.slice(0, 5).map((r) => r.high)));
    assert.equal(fiveMin[0]?.close, rows[4]?.close);
  });

  it("quotes the file's price at the replay clock, with the day's open", async () => {
    const md = await s.next.getMarketDataSnapshot(AAPL, "", false);
    const forming = rows[30]!;
    const last = forming.open + (forming.close - forming.open) * 0.5;
    assert.equal(md.get(TickType.LAST)?.value, roundToTick(last, aapl.minTick));
    assert.equal(md.get(TickType.OPEN)?.value, rows[0]?.open);
  });

  it("keeps other instruments on the synthetic path at the replay clock", async () => {
    const msft = findInstrument("MSFT", "STK")!;
    const md = await s.next.getMarketDataSnapshot({ conId: msft.conId, exchange: "SMART" }, "", false);
    assert.equal(md.get(TickType.LAST)?.value, liveQuote(msft, at).last);
  });

  it("refuses a malformed file naming the line and the fix", () => {
    assert.throws(
      () =>
        parseReplayCsv(
          "time,open,high,low,close,volume\n2026-11-27 09:30:00,1,2,0.5,1.5,10\nnot a time,1,1,1,1,1\n",
          "X.csv",
          "US/Eastern",
        ),
      /X\.csv:3: bad time "not a time"/,
    );
    assert.throws(
      () => parseReplayCsv("date,o,h,l,c,v\n", "Y.csv", "US/Eastern"),
      /Y\.csv:1: the header must be/,
    );
  });
});
