import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EventName, type IBApi, type IBApiNext, OrderAction, OrderType, SecType } from "@stoqey/ib";
import { firstValueFrom, timeout } from "rxjs";
import { commissionFor } from "./orders/order-engine.ts";
import { type Simulator, startSimulator } from "./server.ts";
import { collectCodes, connectApi, connectNext, waitFor } from "./testing/clients.ts";
import { openMarket } from "./testing/open-market.ts";
import { findInstrument } from "./universe/instruments.ts";
import { quoteOf } from "./universe/quotes.ts";

describe("orders", { timeout: 30_000 }, () => {
  let sim: Simulator;
  let api: IBApi;
  let next: IBApiNext;
  let codes: ReturnType<typeof collectCodes>;
  const ibm = findInstrument("IBM", "STK")!;
  const contract = {
    conId: ibm.conId,
    symbol: "IBM",
    secType: SecType.STK,
    exchange: "SMART",
    currency: "USD",
  };

  before(async () => {
    sim = await startSimulator({ timeScale: 0.01, market: openMarket() });
    api = await connectApi(sim, 5);
    next = await connectNext(sim, 6);
    codes = collectCodes(api);
  });
  after(async () => {
    api.disconnect();
    next.disconnect();
    await sim.close();
  });

  it("a market order fills at the ask, with execution, commission and a new position", async () => {
    const filled = waitFor<[number, string, number, number, number]>(
      api,
      EventName.orderStatus,
      (id: number, status: string) => id === 1 && status === "Filled",
    );
    const exec = waitFor<
      [number, { conId?: number }, { side?: string; shares?: number; price?: number; execId?: string }]
    >(api, EventName.execDetails);
    const commission = waitFor<[{ commission?: number; execId?: string }]>(api, EventName.commissionReport);
    api.placeOrder(1, contract, {
      action: OrderAction.BUY,
      orderType: OrderType.MKT,
      totalQuantity: 10,
      transmit: true,
    });
    const [, , filledQty, remaining, avg] = await filled;
    const ask = quoteOf(ibm).ask;
    assert.equal(filledQty, 10);
    assert.equal(remaining, 0);
    assert.ok(Math.abs(avg - ask) < ibm.price * 0.01, `filled near the ask: ${avg} vs ${ask}`);
    const [, c, e] = await exec;
    assert.equal(c.conId, ibm.conId);
    assert.equal(e.side, "BOT");
    assert.equal(e.shares, 10);
    const [report] = await commission;
    assert.equal(report.execId, e.execId);
    assert.equal(report.commission, commissionFor(ibm, 10, e.price!));
    const positions = await firstValueFrom(next.getPositions().pipe(timeout(5000)));
    assert.equal(positions.all.get("DU1234567")?.find((p) => p.contract.conId === ibm.conId)?.pos, 10);
  });

  it("a limit order far from the market rests, is listed as open, and cancels with 202", async () => {
    const submitted = waitFor(
      api,
      EventName.orderStatus,
      (id: number, status: string) => id === 2 && status === "Submitted",
    );
    api.placeOrder(2, contract, {
      action: OrderAction.BUY,
      orderType: OrderType.LMT,
      lmtPrice: 100,
      totalQuantity: 5,
      transmit: true,
    });
    await submitted;
    const open = await next.getAllOpenOrders();
    const mine = open.find((o) => o.orderId === 2);
    assert.equal(mine?.order.lmtPrice, 100);
    assert.equal(mine?.orderState.status, "Submitted");
    assert.equal(mine?.contract.conId, ibm.conId);
    const cancelled = waitFor(
      api,
      EventName.orderStatus,
      (id: number, status: string) => id === 2 && status === "Cancelled",
    );
    const notice = waitFor(api, EventName.error, (_e, code: number, id: number) => code === 202 && id === 2);
    api.cancelOrder(2);
    await cancelled;
    await notice;
    const none = await next.getAllOpenOrders();
    assert.equal(
      none.find((o) => o.orderId === 2),
      undefined,
    );
  });

  it("a limit order just through the market fills once the simulated price crosses", async () => {
    const bid = quoteOf(ibm).bid;
    const filled = waitFor<[number, string, number, number, number]>(
      api,
      EventName.orderStatus,
      (id: number, status: string) => id === 3 && status === "Filled",
      20_000,
    );
    api.placeOrder(3, contract, {
      action: OrderAction.SELL,
      orderType: OrderType.LMT,
      lmtPrice: bid + 0.05,
      totalQuantity: 10,
      transmit: true,
    });
    const [, , , , avg] = await filled;
    assert.ok(avg >= bid + 0.05, `a sell limit fills at or above its limit (${avg})`);
  });

  it("executions are listed by reqExecutions; bad orders get IB's codes", async () => {
    const details = await next.getExecutionDetails({});
    assert.deepEqual(details.map((d) => d.execution.orderId).sort(), [1, 3]);
    const e200 = waitFor(api, EventName.error, (_e, _code: number, id: number) => id === 10);
    api.placeOrder(
      10,
      { symbol: "NOPE", secType: SecType.STK, exchange: "SMART" },
      { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1, transmit: true },
    );
    assert.equal((await e200)[1], 200);
    const e387 = waitFor(api, EventName.error, (_e, _code: number, id: number) => id === 11);
    api.placeOrder(11, contract, {
      action: OrderAction.BUY,
      orderType: OrderType.REL,
      auxPrice: 1,
      totalQuantity: 1,
      transmit: true,
    });
    assert.equal((await e387)[1], 387);
    const e135 = waitFor(api, EventName.error, (_e, _code: number, id: number) => id === 99);
    api.cancelOrder(99);
    assert.equal((await e135)[1], 135);
    assert.equal(codes.filter((c) => /Underrun|Decoding|unprocessed/.test(c.message)).length, 0);
  });
});
