import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type Contract,
  EventName,
  type IBApi,
  type IBApiNext,
  type Order,
  OrderAction,
  OrderType,
  SecType,
} from "@stoqey/ib";
import { type Simulator, startSimulator } from "../server.ts";
import { collectCodes, connectApi, connectNext, waitFor } from "../testing/clients.ts";
import { openMarket, openNow } from "../testing/open-market.ts";
import { findInstrument } from "../universe/instruments.ts";
import { livePrice } from "../universe/live-price.ts";
import { trailCrossed } from "./trail-and-algo.ts";

describe("sim order engine: trailing stops, OCA groups, the Adaptive algo", { timeout: 30_000 }, () => {
  let sim: Simulator;
  let api: IBApi;
  let next: IBApiNext;
  let codes: ReturnType<typeof collectCodes>;
  const ibm = findInstrument("IBM", "STK")!;
  const contract: Contract = {
    conId: ibm.conId,
    symbol: "IBM",
    secType: SecType.STK,
    exchange: "SMART",
    currency: "USD",
  };
  const reached = (id: number, status: string, ms = 10_000) =>
    waitFor(api, EventName.orderStatus, (oid: number, st: string) => oid === id && st === status, ms);
  const echoOf = (id: number) =>
    waitFor<[number, Contract, Order]>(api, EventName.openOrder, (oid: number) => oid === id);
  const refusal = (id: number) =>
    waitFor<[Error, number, number]>(
      api,
      EventName.error,
      (_e, code: number, reqId: number) => reqId === id && code === 321,
    );
  let nextId = 0;

  before(async () => {
    sim = await startSimulator({ timeScale: 0.01, market: openMarket() });
    api = await connectApi(sim, 17);
    next = await connectNext(sim, 18);
    codes = collectCodes(api);
    nextId = await next.getNextValidOrderId();
  });
  after(async () => {
    api.disconnect();
    next.disconnect();
    await sim.close();
  });

  it("echoes a TRAIL LIMIT's trailing percent and limit offset, and an Adaptive order's algo and priority", async () => {
    const trail = nextId++;
    const trailEcho = echoOf(trail);
    api.placeOrder(trail, contract, {
      action: OrderAction.SELL,
      orderType: OrderType.TRAIL_LIMIT,
      trailingPercent: 25,
      lmtPriceOffset: 0.5,
      totalQuantity: 2,
      transmit: true,
    });
    const [, , t] = await trailEcho;
    assert.equal(t.orderType, "TRAIL LIMIT");
    assert.equal(t.trailingPercent, 25);
    assert.equal(t.lmtPriceOffset, 0.5);
    const algo = nextId++;
    const algoEcho = echoOf(algo);
    api.placeOrder(algo, contract, {
      action: OrderAction.BUY,
      orderType: OrderType.LMT,
      lmtPrice: Math.round(livePrice(ibm, openNow()) * 0.5),
      algoStrategy: "Adaptive",
      algoParams: [{ tag: "adaptivePriority", value: "Patient" }],
      totalQuantity: 1,
      transmit: true,
    });
    const [, , a] = await algoEcho;
    assert.equal(a.algoStrategy, "Adaptive");
    assert.deepEqual(a.algoParams, [{ tag: "adaptivePriority", value: "Patient" }]);
    api.cancelOrder(trail);
    api.cancelOrder(algo);
  });

  it("a trailing stop within the swing follows the price and triggers a market fill", async () => {
    const id = nextId++;
    const filled = reached(id, "Filled");
    api.placeOrder(id, contract, {
      action: OrderAction.SELL,
      orderType: OrderType.TRAIL,
      auxPrice: Math.round(livePrice(ibm, openNow()) * 0.001 * 100) / 100,
      totalQuantity: 1,
      transmit: true,
    });
    await filled;
    const far = nextId++;
    const resting = reached(far, "Submitted");
    api.placeOrder(far, contract, {
      action: OrderAction.SELL,
      orderType: OrderType.TRAIL,
      trailingPercent: 30,
      totalQuantity: 1,
      transmit: true,
    });
    await resting;
    await new Promise((r) => setTimeout(r, 1500)); // more than one swing at this time scale
    const open = await next.getAllOpenOrders();
    assert.ok(
      open.some((o) => o.orderId === far),
      "a 30% trail rests through the swing",
    );
    api.cancelOrder(far);
  });

  it("a fill in an OCA group cancels the group's other orders", async () => {
    const px = livePrice(ibm, openNow());
    const resting = nextId++;
    const filling = nextId++;
    const up = reached(resting, "Submitted");
    const group = { ocaGroup: "oca-sim-1", ocaType: 1, totalQuantity: 1, transmit: true };
    api.placeOrder(resting, contract, {
      ...group,
      action: OrderAction.BUY,
      orderType: OrderType.LMT,
      lmtPrice: Math.round(px * 0.5),
    });
    await up;
    const cancelled = reached(resting, "Cancelled");
    api.placeOrder(filling, contract, { ...group, action: OrderAction.BUY, orderType: OrderType.MKT });
    await reached(filling, "Filled");
    await cancelled;
  });

  it("refuses a trailing stop without its trail and an Adaptive STP with IB's 321 naming the field", async () => {
    const noTrail = nextId++;
    const r1 = refusal(noTrail);
    api.placeOrder(noTrail, contract, {
      action: OrderAction.SELL,
      orderType: OrderType.TRAIL,
      totalQuantity: 1,
      transmit: true,
    });
    assert.match(String((await r1)[0].message), /trailing amount \(auxPrice\) or a trailingPercent/);
    const algoStop = nextId++;
    const r2 = refusal(algoStop);
    api.placeOrder(algoStop, contract, {
      action: OrderAction.SELL,
      orderType: OrderType.STP,
      auxPrice: 1,
      algoStrategy: "Adaptive",
      algoParams: [{ tag: "adaptivePriority", value: "Normal" }],
      totalQuantity: 1,
      transmit: true,
    });
    assert.match(String((await r2)[0].message), /Adaptive algo works MKT and LMT/);
    assert.ok(codes.every((c) => c.code !== 387));
  });
});

describe("a trailing stop's stop price", () => {
  it("follows a rising price for a SELL, never falls back, and triggers on the way down", () => {
    const o = { action: "SELL", auxPrice: 2 } as Parameters<typeof trailCrossed>[0];
    assert.equal(trailCrossed(o, 100), false);
    assert.equal(o.trailStopPrice, 98);
    assert.equal(trailCrossed(o, 110), false);
    assert.equal(o.trailStopPrice, 108);
    assert.equal(trailCrossed(o, 109), false);
    assert.equal(o.trailStopPrice, 108, "the stop does not follow the price down");
    assert.equal(trailCrossed(o, 107.5), true);
  });

  it("trails above the price for a BUY, by percent", () => {
    const o = { action: "BUY", auxPrice: 0, trailingPercent: 10 } as Parameters<typeof trailCrossed>[0];
    assert.equal(trailCrossed(o, 100), false);
    assert.equal(o.trailStopPrice, 110);
    assert.equal(trailCrossed(o, 90), false);
    assert.equal(o.trailStopPrice, 99);
    assert.equal(trailCrossed(o, 99.5), true);
  });
});
