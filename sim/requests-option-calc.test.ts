import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Contract, EventName, type IBApi, type IBApiNext, SecType } from "@stoqey/ib";
import { CUST_OPTION_COMPUTATION } from "./handlers/option-calc.ts";
import { waitFor } from "./testing/clients.ts";
import { openSession, type SimSession } from "./testing/session.ts";
import { universe } from "./universe/instruments.ts";

describe("the simulator serves IB's option calculators to the real @stoqey/ib client", {
  timeout: 30_000,
}, () => {
  let s: SimSession;
  let next: IBApiNext;
  let api: IBApi;
  let call: Contract;
  let put: Contract;
  let spot: number;
  let reqId = 9_000;

  /** The calculator's tickOptionComputation for `id`: [impliedVol, delta, optPrice, gamma, vega, theta]. */
  const answer = (id: number) =>
    waitFor<unknown[]>(api, EventName.tickOptionComputation, (rid) => rid === id).then(
      (a) => [a[1], a[3], a[4], a[5], a[7], a[8], a[9]] as unknown[],
    );
  const refusal = (id: number) =>
    waitFor<[Error, number, number]>(api, EventName.error, (_e, _c, rid) => rid === id).then(([e, code]) => ({
      code,
      message: e.message,
    }));

  before(async () => {
    s = await openSession({ timeScale: 0.01 });
    ({ next, api } = s);
    const aapl = universe().bySymbol.get("AAPL|STK")!;
    spot = aapl.price;
    const params = await next.getSecDefOptParams("AAPL", "", SecType.STK, aapl.conId);
    const row = params.find((p) => p.exchange === "SMART")!;
    const expiry = [...row.expirations].sort()[2]!;
    const strike = [...row.strikes].sort((a, b) => Math.abs(a - spot) - Math.abs(b - spot))[0]!;
    const pick = async (right: string) =>
      (
        await next.getContractDetails({
          symbol: "AAPL",
          secType: SecType.OPT,
          lastTradeDateOrContractMonth: expiry,
          strike,
          right: right as never,
          exchange: "SMART",
        })
      )[0]!.contract;
    call = await pick("C");
    put = await pick("P");
  });
  after(async () => {
    assert.deepEqual(s.decodeProblems(), []);
    await s.close();
  });

  it("calculateOptionPrice answers with a CUST_OPTION_COMPUTATION tick at the given volatility", async () => {
    const id = ++reqId;
    const got = answer(id);
    api.calculateOptionPrice(id, call, 0.3, spot);
    const [tickType, iv, delta, price, gamma, vega, theta] = (await got) as number[];
    assert.equal(tickType, CUST_OPTION_COMPUTATION);
    assert.equal(iv, 0.3);
    assert.ok(delta! > 0.3 && delta! < 0.8, `an at-the-money call's delta, got ${delta}`);
    assert.ok(price! > 0 && gamma! > 0 && vega! > 0 && theta! < 0);
    // a higher volatility prices the same option higher
    const id2 = ++reqId;
    const dearer = answer(id2);
    api.calculateOptionPrice(id2, call, 0.6, spot);
    assert.ok(((await dearer)[3] as number) > price!);
  });

  it("calculateImpliedVolatility inverts calculateOptionPrice for a put", async () => {
    const id = ++reqId;
    const priced = answer(id);
    api.calculateOptionPrice(id, put, 0.25, spot);
    const putPrice = (await priced)[3] as number;
    const id2 = ++reqId;
    const solved = answer(id2);
    api.calculateImpliedVolatility(id2, put, putPrice, spot);
    const [tickType, iv, delta, price] = (await solved) as number[];
    assert.equal(tickType, CUST_OPTION_COMPUTATION);
    assert.ok(Math.abs(iv! - 0.25) < 0.001, `implied vol ${iv} back to 0.25`);
    assert.equal(price, putPrice);
    assert.ok(delta! < 0, "a put's delta is negative");
  });

  it("refuses a non-option (321), an unknown contract (200), a bad volatility or price (321)", async () => {
    const stock: Contract = { symbol: "AAPL", secType: SecType.STK, exchange: "SMART", currency: "USD" };
    const cases: Array<[(id: number) => void, number, RegExp]> = [
      [(id) => api.calculateOptionPrice(id, stock, 0.3, spot), 321, /not an option/],
      [
        (id) => api.calculateOptionPrice(id, { ...call, conId: 1, strike: 1.5, localSymbol: "" }, 0.3, spot),
        200,
        /No security/,
      ],
      [(id) => api.calculateOptionPrice(id, call, 0, spot), 321, /volatility/],
      [(id) => api.calculateOptionPrice(id, call, 0.3, 0), 321, /underlying price/],
      [(id) => api.calculateImpliedVolatility(id, call, spot * 2, spot), 321, /outside the range/],
      [(id) => api.calculateImpliedVolatility(id, call, 0, spot), 321, /outside the range/],
    ];
    for (const [send, code, text] of cases) {
      const id = ++reqId;
      const got = refusal(id);
      send(id);
      const r = await got;
      assert.equal(r.code, code, r.message);
      assert.match(r.message, text);
    }
  });
});
