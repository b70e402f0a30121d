import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EventName, type IBApi, type IBApiNext, SecType } from "@stoqey/ib";
import { waitFor } from "./testing/clients.ts";
import { openSession, type SimSession } from "./testing/session.ts";
import { universe } from "./universe/instruments.ts";
import { isinOfCusip } from "./universe/security-ids.ts";

describe("the simulator lists options and bonds as IB does, to the real @stoqey/ib client", {
  timeout: 30_000,
}, () => {
  let s: SimSession;
  let next: IBApiNext;
  let api: IBApi;

  before(async () => {
    s = await openSession({ timeScale: 0.01 });
    ({ next, api } = s);
  });
  after(async () => {
    await s.close();
  });

  it("an SPX option the chain lists resolves on SMART and on CBOE, the same contract", async () => {
    const params = await next.getSecDefOptParams("SPX", "", SecType.IND, 416904);
    assert.ok(
      params.some((p) => p.exchange === "SMART"),
      "the chain names SMART",
    );
    const row = params.find((p) => p.exchange === "SMART" && p.tradingClass === "SPX")!;
    const expiry = [...row.expirations].sort().at(-1)!;
    const strike = [...row.strikes].sort((a, b) => a - b)[10]!;
    const ids: number[] = [];
    for (const exchange of ["SMART", "CBOE"]) {
      const details = await next.getContractDetails({
        symbol: "SPX",
        secType: SecType.OPT,
        lastTradeDateOrContractMonth: expiry,
        strike,
        right: "C" as never,
        exchange,
        tradingClass: "SPX",
      });
      assert.equal(details.length, 1, exchange);
      assert.equal(details[0]?.contract.exchange, exchange);
      ids.push(details[0]!.contract.conId!);
    }
    assert.equal(ids[0], ids[1]);
    const [byId] = await next.getContractDetails({ conId: ids[0] });
    assert.equal(byId?.contract.tradingClass, "SPX");
  });

  it("a stock outside the old universe has a chain and options on its grid", async () => {
    const pltr = universe().bySymbol.get("PLTR|STK")!;
    const params = await next.getSecDefOptParams("PLTR", "", SecType.STK, pltr.conId);
    const smart = params.find((p) => p.exchange === "SMART")!;
    const [details] = await next.getContractDetails({
      symbol: "PLTR",
      secType: SecType.OPT,
      lastTradeDateOrContractMonth: smart.expirations[0],
      strike: smart.strikes[0],
      right: "P" as never,
      exchange: "SMART",
    });
    assert.equal(details?.underConId, pltr.conId);
    assert.equal(details?.contract.multiplier, 100);
  });

  it("a bond answers by ISIN through secIdType/secId", async () => {
    const bond = universe().instruments.find((i) => i.secType === "BOND" && i.tradingClass === "T")!;
    const got = waitFor<[number, { contract: { conId?: number }; cusip?: string }]>(
      api,
      EventName.bondContractDetails,
      (id: number) => id === 71,
    );
    api.reqContractDetails(71, { secType: SecType.BOND, secIdType: "ISIN", secId: isinOfCusip(bond.symbol) });
    const [, d] = await got;
    assert.equal(d.contract.conId, bond.conId);
    assert.equal(d.cusip, bond.symbol);
  });

  it("every reply decoded cleanly", () => {
    assert.deepEqual(s.decodeProblems(), []);
  });
});
