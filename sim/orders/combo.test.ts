import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type Contract,
  EventName,
  type Execution,
  type IBApi,
  type Order,
  OrderAction,
  type OrderState,
  OrderType,
  SecType,
} from "@stoqey/ib";
import { type Simulator, startSimulator } from "../server.ts";
import { connectApi, waitFor } from "../testing/clients.ts";
import { openMarket } from "../testing/open-market.ts";
import { findInstrument, matchContracts, optionChainParams } from "../universe/instruments.ts";

describe("sim combos (BAG): what-if, echo of the legs, refusals", { timeout: 30_000 }, () => {
  let sim: Simulator;
  let api: IBApi;
  const aapl = findInstrument("AAPL", "STK")!;
  const [chain] = optionChainParams("AAPL", aapl.conId);
  const expiry = chain!.expirations[1]!;
  const strikes = chain!.strikes.filter((k) => k >= aapl.price).slice(0, 3);
  const call = (strike: number) =>
    matchContracts({
      symbol: "AAPL",
      secType: "OPT",
      lastTradeDateOrContractMonth: expiry,
      strike,
      right: "C",
    })[0]!;
  const bag = (legs: Array<[number, number, OrderAction]>): Contract => ({
    symbol: "AAPL",
    secType: SecType.BAG,
    exchange: "SMART",
    currency: "USD",
    comboLegs: legs.map(([conId, ratio, action]) => ({ conId, ratio, action, exchange: "SMART" })),
  });
  const order = (whatIf: boolean): Order => ({
    action: OrderAction.BUY,
    orderType: OrderType.LMT,
    lmtPrice: 0.05,
    totalQuantity: 2,
    whatIf,
    transmit: true,
  });

  before(async () => {
    sim = await startSimulator({ timeScale: 0.01, market: openMarket() });
    api = await connectApi(sim, 27);
  });
  after(async () => {
    api.disconnect();
    await sim.close();
  });

  it("answers a combo's what-if and echoes its legs in openOrder, in the order and ratios sent", async () => {
    const legs: Array<[number, number, OrderAction]> = [
      [call(strikes[0]!).conId, 1, OrderAction.BUY],
      [call(strikes[2]!).conId, 2, OrderAction.SELL],
    ];
    const preview = waitFor<[number, Contract, Order, OrderState]>(
      api,
      EventName.openOrder,
      (id: number) => id === 500,
    );
    api.placeOrder(500, bag(legs), order(true));
    const [, c, o, state] = await preview;
    assert.equal(o.whatIf, true);
    assert.ok((state.commission ?? 0) > 0);
    assert.equal(c.secType, "BAG");
    const echoed = waitFor<[number, Contract, Order]>(api, EventName.openOrder, (id: number) => id === 501);
    api.placeOrder(501, bag(legs), order(false));
    const [, contract] = await echoed;
    assert.deepEqual(
      contract.comboLegs?.map((l) => [l.conId, l.ratio, l.action]),
      legs,
    );
    api.cancelOrder(501);
  });

  it("fills a marketable combo at its limit, one execution per leg with the leg's side and ratio × quantity", async () => {
    const legs: Array<[number, number, OrderAction]> = [
      [call(strikes[0]!).conId, 1, OrderAction.BUY],
      [call(strikes[1]!).conId, 2, OrderAction.SELL],
    ];
    const execs: Execution[] = [];
    const onExec = (_r: number, _c: Contract, e: Execution) => {
      if (e.orderId === 504) execs.push(e);
    };
    api.on(EventName.execDetails, onExec);
    const filled = waitFor(
      api,
      EventName.orderStatus,
      (id: number, st: string) => id === 504 && st === "Filled",
    );
    api.placeOrder(504, bag(legs), { ...order(false), lmtPrice: aapl.price });
    await filled;
    await new Promise((r) => setTimeout(r, 200));
    api.off(EventName.execDetails, onExec);
    assert.deepEqual(
      execs.map((e) => [e.side, e.shares]),
      [
        ["BOT", 2],
        ["SLD", 4],
      ],
    );
  });

  it("refuses an unknown leg (200) and a one-leg combo (321)", async () => {
    const unknown = waitFor(
      api,
      EventName.error,
      (_e, code: number, id: number) => id === 502 && code === 200,
    );
    api.placeOrder(
      502,
      bag([
        [call(strikes[0]!).conId, 1, OrderAction.BUY],
        [999_999_999, 1, OrderAction.SELL],
      ]),
      order(false),
    );
    await unknown;
    const single = waitFor(
      api,
      EventName.error,
      (_e, code: number, id: number) => id === 503 && code === 321,
    );
    api.placeOrder(503, bag([[call(strikes[0]!).conId, 1, OrderAction.BUY]]), order(false));
    await single;
  });
});
