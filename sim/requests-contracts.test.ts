import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EventName, type IBApi, type IBApiNext, SecType } from "@stoqey/ib";
import type { Simulator } from "./server.ts";
import { waitFor } from "./testing/clients.ts";
import { openSession, type SimSession } from "./testing/session.ts";
import { optionChainParams, universe } from "./universe/instruments.ts";

describe("the simulator serves session and contract requests to the real @stoqey/ib client", {
  timeout: 30_000,
}, () => {
  let s: SimSession;
  let next: IBApiNext;
  let api: IBApi;
  let sim: Simulator;

  before(async () => {
    s = await openSession({ timeScale: 0.01 });
    ({ next, api } = s);
    sim = s.sim;
  });
  after(async () => {
    await s.close();
  });

  it("handshakes: managed accounts, current time, one connection per client", async () => {
    assert.deepEqual(await next.getManagedAccounts(), ["DU1234567"]);
    const t = await next.getCurrentTime();
    assert.ok(Math.abs(t - Date.now() / 1000) < 5, `current time ${t} is now`);
    assert.equal(api.serverVersion, 193);
    const stats = sim.stats();
    assert.equal(stats.connections.active, 2);
    assert.deepEqual(stats.connections.byClientId, { "1": 1, "2": 1 });
  });

  it("reqContractDetails: stock with IB's real fields", async () => {
    const [d, ...rest] = await next.getContractDetails({
      symbol: "AAPL",
      secType: SecType.STK,
      exchange: "SMART",
      currency: "USD",
    });
    assert.equal(rest.length, 0);
    assert.equal(d?.contract.conId, 265598);
    assert.equal(d?.contract.primaryExch, "NASDAQ");
    assert.equal(d?.contract.tradingClass, "NMS");
    assert.equal(d?.longName, "APPLE INC");
    assert.equal(d?.minTick, 0.01);
    assert.equal(d?.timeZoneId, "US/Eastern");
    assert.equal(d?.stockType, "COMMON");
    assert.match(d?.tradingHours ?? "", /^\d{8}:(0400-\d{8}:2000|CLOSED)(;|$)/);
    assert.match(d?.liquidHours ?? "", /\d{8}:0930-\d{8}:1600/);
  });

  it("reqContractDetails: futures list every ES expiry, conId lookups give one", async () => {
    const es = await next.getContractDetails({ symbol: "ES", secType: SecType.FUT, exchange: "CME" });
    const expected = universe().instruments.filter((i) => i.symbol === "ES" && i.secType === "FUT");
    assert.equal(es.length, 4);
    assert.deepEqual(
      es.map((d) => d.contract.lastTradeDateOrContractMonth),
      expected.map((i) => i.lastTradeDateOrContractMonth),
    );
    for (const d of es) {
      assert.equal(d.contract.multiplier, 50);
      assert.equal(d.contract.tradingClass, "ES");
      assert.match(d.contract.localSymbol ?? "", /^ES[HMUZ]\d$/);
    }
    const byId = await next.getContractDetails({ conId: expected[1]!.conId });
    assert.equal(byId.length, 1);
    assert.equal(byId[0]?.contract.localSymbol, expected[1]!.localSymbol);
  });

  it("reqContractDetails: option and forex", async () => {
    const opt = universe().instruments.find(
      (i) => i.secType === "OPT" && i.symbol === "SPY" && i.right === "P",
    )!;
    const [o] = await next.getContractDetails({
      symbol: "SPY",
      secType: SecType.OPT,
      lastTradeDateOrContractMonth: opt.lastTradeDateOrContractMonth,
      strike: opt.strike,
      right: "P" as never,
      exchange: "SMART",
    });
    assert.equal(o?.contract.conId, opt.conId);
    assert.equal(o?.contract.multiplier, 100);
    assert.equal(o?.underConId, 756733);
    const [fx] = await next.getContractDetails({
      symbol: "EUR",
      secType: SecType.CASH,
      currency: "USD",
      exchange: "IDEALPRO",
    });
    assert.equal(fx?.contract.conId, 12087792);
    assert.equal(fx?.contract.localSymbol, "EUR.USD");
  });

  it("reqContractDetails: a bond answers with IB's bond contract data", async () => {
    const bond = universe().instruments.find((i) => i.secType === "BOND")!;
    const details = waitFor<
      [number, { contract: { conId?: number }; coupon?: number; maturity?: string; cusip?: string }]
    >(api, EventName.bondContractDetails, (id: number) => id === 60);
    const end = waitFor(api, EventName.contractDetailsEnd, (id: number) => id === 60);
    api.reqContractDetails(60, { conId: bond.conId });
    const [, d] = await details;
    await end;
    assert.equal(d.contract.conId, bond.conId);
    assert.equal(d.coupon, 3.85);
    assert.equal(d.maturity, "20430504");
    assert.equal(d.cusip, "037833AL4");
  });

  it("reqContractDetails: an unknown contract is IB error 200", async () => {
    await assert.rejects(
      next.getContractDetails({ symbol: "NOSUCH", secType: SecType.STK, exchange: "SMART" }),
      (e: { code?: number }) => e.code === 200,
    );
  });

  it("reqMatchingSymbols and reqSecDefOptParams", async () => {
    const hits = await next.getMatchingSymbols("MSF");
    assert.equal(hits[0]?.contract?.conId, 272093);
    assert.equal(hits[0]?.contract?.description, "MICROSOFT CORP");
    assert.ok(hits[0]?.derivativeSecTypes?.includes(SecType.OPT));
    const params = await next.getSecDefOptParams("AAPL", "", SecType.STK, 265598);
    const smart = params.find((p) => p.exchange === "SMART");
    const expected = optionChainParams("AAPL", 265598)[0]!;
    assert.deepEqual(smart?.expirations, expected.expirations);
    assert.deepEqual(smart?.strikes, expected.strikes);
    assert.equal(smart?.tradingClass, "AAPL");
    const last = expected.expirations.at(-1)!;
    assert.ok(Number(last.slice(0, 4)) >= new Date().getUTCFullYear() + 2, "expiries reach years out");
  });

  it("every reply decoded cleanly (no underrun or leftover fields)", () => {
    assert.deepEqual(s.decodeProblems(), []);
  });
});
