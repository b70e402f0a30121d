import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DurationUnit, EventName, type IBApi, WhatToShow } from "@stoqey/ib";
import { histogram } from "./market/histogram.ts";
import { syntheticMarket } from "./market/market.ts";
import { realtimeBar } from "./market/realtime-bars.ts";
import { collectCodes, until, waitFor } from "./testing/clients.ts";
import { openSession, type SimSession } from "./testing/session.ts";
import { findInstrument } from "./universe/instruments.ts";

describe("the simulator serves histograms and real-time bars to the real @stoqey/ib client", {
  timeout: 30_000,
}, () => {
  let s: SimSession;
  let api: IBApi;
  let codes: ReturnType<typeof collectCodes>;
  const aapl = findInstrument("AAPL", "STK")!;
  const btc = findInstrument("BTC", "CRYPTO")!;

  before(async () => {
    s = await openSession({ timeScale: 0.01 });
    api = s.api;
    codes = collectCodes(api);
  });
  after(async () => {
    await s.close();
  });

  it("reqHistogramData: the price path's levels over the period, in IB's layout", async () => {
    const got = waitFor<[number, Array<{ price: number; size: number }>]>(
      api,
      EventName.histogramData,
      (id) => id === 7001,
    );
    api.reqHistogramData(7001, { conId: aapl.conId, exchange: "SMART" }, false, 1, DurationUnit.WEEK);
    const [, rows] = await got;
    const expected = histogram(syntheticMarket, aapl, 7 * 86_400_000, false);
    assert.ok(rows.length > 3);
    // the simulator sampled a few ms earlier than this test: a level at either edge may differ
    assert.ok(
      Math.abs(rows.length - expected.length) <= 2,
      `${rows.length} levels, the path gives ${expected.length}`,
    );
    assert.deepEqual(
      rows.map((r) => r.price),
      [...rows.map((r) => r.price)].sort((a, b) => a - b),
    );
    assert.ok(rows.every((r) => Number(r.size) > 0));
    assert.deepEqual(s.decodeProblems(), []);
  });

  it("reqHistogramData: 321 for a period IB cannot read", async () => {
    api.reqHistogramData(7002, { conId: aapl.conId, exchange: "SMART" }, false, 1, DurationUnit.SECOND);
    await until(() => codes.some((c) => c.reqId === 7002), 3000, "an error for 7002");
    assert.equal(codes.find((c) => c.reqId === 7002)?.code, 321);
  });

  it("reqRealTimeBars: consecutive 5-second bars off the price path until cancelled", async () => {
    const bars: Array<{ time: number; close: number }> = [];
    const onBar = (id: number, time: number, _o: number, _h: number, _l: number, close: number) => {
      if (id === 7003) bars.push({ time, close });
    };
    api.on(EventName.realtimeBar, onBar);
    api.reqRealTimeBars(7003, { conId: btc.conId, exchange: "PAXOS" }, 5, WhatToShow.TRADES, false);
    await until(() => bars.length >= 3, 5000, "three bars");
    api.cancelRealTimeBars(7003);
    await new Promise((r) => setTimeout(r, 150));
    const seen = bars.length;
    await new Promise((r) => setTimeout(r, 300));
    api.off(EventName.realtimeBar, onBar);
    assert.equal(bars.length, seen, "no bars after the cancel");
    assert.equal((bars[1]?.time ?? 0) - (bars[0]?.time ?? 0), 5);
    for (const b of bars.slice(0, 3))
      assert.equal(b.close, realtimeBar(syntheticMarket, btc, b.time, "TRADES").close, "the one price path");
  });

  it("reqRealTimeBars: 321 for a bar size other than 5 seconds", async () => {
    api.reqRealTimeBars(7004, { conId: btc.conId, exchange: "PAXOS" }, 10, WhatToShow.TRADES, false);
    await until(() => codes.some((c) => c.reqId === 7004), 3000, "an error for 7004");
    assert.equal(codes.find((c) => c.reqId === 7004)?.code, 321);
  });
});
