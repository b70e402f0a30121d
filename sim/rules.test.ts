import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { EventName, type IBApi } from "@stoqey/ib";
import type { SimOptions } from "./options.ts";
import { type Simulator, startSimulator } from "./server.ts";
import { collectCodes, connectApi, until, waitFor } from "./testing/clients.ts";
import { universe } from "./universe/instruments.ts";

describe("IB's rules, with IB's error codes", { timeout: 30_000 }, () => {
  let sim: Simulator | undefined;
  const apis: IBApi[] = [];
  afterEach(async () => {
    for (const a of apis.splice(0)) a.disconnect();
    await sim?.close();
    sim = undefined;
  });
  async function start(opts: SimOptions): Promise<Simulator> {
    sim = await startSimulator(opts);
    return sim;
  }
  async function client(s: Simulator, clientId: number): Promise<IBApi> {
    const api = await connectApi(s, clientId, 5000, 1000);
    apis.push(api);
    return api;
  }
  const hist = (api: IBApi, reqId: number, conId: number, duration = "1 D", what = "TRADES") =>
    api.reqHistoricalData(
      reqId,
      { conId, exchange: "SMART" },
      "20250110 16:00:00 US/Eastern",
      duration,
      "1 hour" as never,
      what as never,
      1,
      1,
      false,
    );
  const histDone = (api: IBApi, reqId: number) =>
    waitFor<[number, string]>(
      api,
      EventName.historicalData,
      (id: number, time: string) => id === reqId && time.startsWith("finished"),
    );
  const errorFor = (api: IBApi, reqId: number) =>
    waitFor<[Error, number, number]>(api, EventName.error, (_e, _c, id: number) => id === reqId);

  it("326: a second connection with a clientId in use is refused and closed; the first stays served", async () => {
    const s = await start({});
    const first = await client(s, 7);
    const second = new (first.constructor as typeof IBApi)({ host: "127.0.0.1", port: s.port });
    apis.push(second);
    const codes = collectCodes(second);
    const gone = waitFor(second, EventName.disconnected);
    second.connect(7);
    await gone;
    assert.deepEqual(
      codes.map((c) => c.code),
      [326],
    );
    const time = waitFor<[number]>(first, EventName.currentTime);
    first.reqCurrentTime();
    assert.ok((await time)[0] > 0);
    const st = s.stats();
    assert.equal(st.connections.peakByClientId["7"], 1);
    assert.equal(st.connections.byClientId["7"], 1);
    assert.equal(st.errorsSent["326"], 1);
  });

  it("162: an identical historical request within 15 s (scaled) is a pacing violation", async () => {
    const s = await start({ timeScale: 0.1 });
    const api = await client(s, 1);
    const ok = histDone(api, 1);
    hist(api, 1, 265598);
    await ok;
    const err = errorFor(api, 2);
    hist(api, 2, 265598);
    const [e, code] = await err;
    assert.equal(code, 162);
    assert.match(e.message, /pacing violation/);
    await new Promise((r) => setTimeout(r, 15_000 * 0.1 + 50));
    const again = histDone(api, 3);
    hist(api, 3, 265598);
    await again;
    assert.equal(s.stats().errorsSent["162"], 1);
    assert.equal(s.stats().requests.reqHistoricalData, 3);
  });

  it("162: more than 6 requests for one contract within 2 s (scaled)", async () => {
    // a 1 s window: wide enough that seven requests always land inside it on a busy machine
    const s = await start({ timeScale: 0.5 });
    const api = await client(s, 1);
    const codes = collectCodes(api);
    const done = [1, 2, 3, 4, 5, 6].map((k) => histDone(api, k));
    for (let k = 1; k <= 6; k++) hist(api, k, 265598, `${k} D`);
    const err = errorFor(api, 7);
    hist(api, 7, 265598, "7 D");
    await Promise.all(done);
    assert.equal((await err)[1], 162);
    // another tick type of the same contract is a different key
    const other = histDone(api, 8);
    hist(api, 8, 265598, "1 D", "MIDPOINT");
    await other;
    assert.deepEqual(
      codes.filter((c) => c.code === 162).map((c) => c.reqId),
      [7],
    );
  });

  it("162: more than 60 requests within 10 minutes (scaled)", async () => {
    const s = await start({ timeScale: 0.01, maxMessagesPerSec: 1000 });
    const api = await client(s, 1);
    const stocks = universe().instruments.filter((i) => i.secType === "STK");
    const done: Array<Promise<unknown>> = [];
    for (let k = 0; k < 60; k++) {
      done.push(histDone(api, 100 + k));
      hist(api, 100 + k, stocks[k % stocks.length]!.conId, `${1 + Math.floor(k / stocks.length)} D`);
    }
    await Promise.all(done);
    const err = errorFor(api, 200);
    hist(api, 200, stocks[0]!.conId, "30 D");
    assert.equal((await err)[1], 162);
    assert.equal(s.stats().errorsSent["162"], 1);
  });

  it("more than 50 messages a second: IB's error 100, then disconnect; other clients stay", async () => {
    const s = await start({});
    const other = await client(s, 2);
    const api = await client(s, 1);
    const codes = collectCodes(api);
    const gone = waitFor(api, EventName.disconnected);
    for (let k = 0; k < 60; k++) api.reqCurrentTime();
    await gone;
    assert.ok(
      codes.some((c) => c.code === 100),
      "error 100 before the disconnect",
    );
    assert.equal(s.stats().errorsSent["100"], 1);
    const time = waitFor<[number]>(other, EventName.currentTime);
    other.reqCurrentTime();
    await time;
    await until(() => s.stats().connections.active === 1, 2000, "one connection left");
  });

  it("101: more market data lines than the maximum", async () => {
    const s = await start({ maxMarketDataLines: 2 });
    const api = await client(s, 1);
    api.reqMktData(1, { conId: 265598, exchange: "SMART" }, "", false, false);
    api.reqMktData(2, { conId: 272093, exchange: "SMART" }, "", false, false);
    const err = errorFor(api, 3);
    api.reqMktData(3, { conId: 8314, exchange: "SMART" }, "", false, false);
    assert.equal((await err)[1], 101);
    api.cancelMktData(1);
    const tick = waitFor(api, EventName.tickPrice, (id: number) => id === 4);
    api.reqMktData(4, { conId: 8314, exchange: "SMART" }, "", false, false);
    await tick;
    assert.equal(s.stats().errorsSent["101"], 1);
  });

  it("354 without live permission; 10167 and delayed ticks when delayed data was requested", async () => {
    const s = await start({ liveDataPermission: false });
    const api = await client(s, 1);
    const err = errorFor(api, 1);
    api.reqMktData(1, { conId: 265598, exchange: "SMART" }, "", true, false);
    assert.equal((await err)[1], 354);

    api.reqMarketDataType(3);
    const warn = errorFor(api, 2);
    const type = waitFor<[number, number]>(api, EventName.marketDataType, (id: number) => id === 2);
    const ticks: number[] = [];
    api.on(EventName.tickPrice, (id: number, tickType: number) => id === 2 && ticks.push(tickType));
    const end = waitFor(api, EventName.tickSnapshotEnd, (id: number) => id === 2);
    api.reqMktData(2, { conId: 265598, exchange: "SMART" }, "", true, false);
    assert.equal((await warn)[1], 10167);
    assert.equal((await type)[1], 3);
    await end;
    assert.ok(
      ticks.includes(66) && ticks.includes(67) && ticks.includes(68),
      `delayed bid/ask/last, got ${ticks}`,
    );
    assert.ok(!ticks.includes(1), "no live bid");
    assert.equal(s.stats().errorsSent["354"], 1);
    assert.equal(s.stats().errorsSent["10167"], 1);
  });

  it("200 for an unknown or ambiguous contract in market data and historical requests", async () => {
    const s = await start({});
    const api = await client(s, 1);
    const e1 = errorFor(api, 1);
    api.reqMktData(1, { symbol: "ZZZZ", secType: "STK" as never, exchange: "SMART" }, "", true, false);
    const e2 = errorFor(api, 2);
    api.reqHistoricalData(2, { conId: 123 }, "", "1 D", "1 hour" as never, "TRADES" as never, 1, 1, false);
    const e3 = errorFor(api, 3);
    api.reqHistoricalData(
      3,
      { symbol: "ES", secType: "FUT" as never, exchange: "CME" },
      "",
      "1 D",
      "1 hour" as never,
      "TRADES" as never,
      1,
      1,
      false,
    );
    assert.equal((await e1)[1], 200);
    assert.equal((await e2)[1], 200);
    const [ambiguous, code3] = await e3;
    assert.equal(code3, 200);
    assert.match(ambiguous.message, /ambiguous \(4 matches\)/);
    assert.equal(s.stats().errorsSent["200"], 3);
  });
});
