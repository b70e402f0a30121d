import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type Contract,
  EventName,
  type IBApi,
  type Order,
  OrderAction,
  OrderType,
  SecType,
  TimeInForce,
} from "@stoqey/ib";
import { type Simulator, startSimulator } from "../server.ts";
import { connectApi, waitFor } from "../testing/clients.ts";
import { openMarket } from "../testing/open-market.ts";
import { findInstrument } from "../universe/instruments.ts";

describe("openOrder echo and the order fault", { timeout: 30_000 }, () => {
  let sim: Simulator;
  let api: IBApi;
  const ibm = findInstrument("IBM", "STK")!;
  const contract = { conId: ibm.conId, secType: SecType.STK, exchange: "SMART", currency: "USD" };
  const resting = Math.round(ibm.price * 0.8 * 100) / 100;
  let nextId = 100;

  before(async () => {
    sim = await startSimulator({ timeScale: 0.01, market: openMarket() });
    api = await connectApi(sim, 7);
  });
  after(async () => {
    api.disconnect();
    await sim.close();
  });

  const place = async (order: Order) => {
    const id = nextId++;
    const echo = waitFor<[number, Contract, Order]>(api, EventName.openOrder, (oid: number) => oid === id);
    api.placeOrder(id, contract, { transmit: true, ...order });
    const [, c, o] = await echo;
    api.cancelOrder(id);
    return { c, o };
  };

  it("echoes a real order as placed: contract, side, quantity, type, prices, tif, account, orderRef, outsideRth", async () => {
    const { c, o } = await place({
      action: OrderAction.SELL,
      orderType: OrderType.STP_LMT,
      totalQuantity: 7,
      lmtPrice: resting,
      auxPrice: resting + 1,
      tif: TimeInForce.GTC,
      account: sim.accounts[0],
      orderRef: "ibmcp-0123456789abcdef",
      outsideRth: true,
    });
    assert.equal(c.conId, ibm.conId);
    assert.equal(c.symbol, "IBM");
    assert.equal(c.secType, "STK");
    assert.equal(c.currency, "USD");
    assert.equal(o.action, "SELL");
    assert.equal(o.totalQuantity, 7);
    assert.equal(o.orderType, "STP LMT");
    assert.equal(o.lmtPrice, resting);
    assert.equal(o.auxPrice, resting + 1);
    assert.equal(o.tif, "GTC");
    assert.equal(o.account, sim.accounts[0]);
    assert.equal(o.orderRef, "ibmcp-0123456789abcdef");
    assert.equal(o.outsideRth, true);
  });

  it("orderStatus names a bracket child's parent, as openOrder does", async () => {
    const parent = nextId++;
    const child = nextId++;
    const status = waitFor<unknown[]>(api, EventName.orderStatus, (...a: unknown[]) => a[0] === child);
    const base = { totalQuantity: 1, orderType: OrderType.LMT };
    api.placeOrder(parent, contract, {
      ...base,
      action: OrderAction.BUY,
      lmtPrice: resting,
      transmit: false,
    });
    api.placeOrder(child, contract, {
      ...base,
      action: OrderAction.SELL,
      lmtPrice: ibm.price * 1.2,
      parentId: parent,
      transmit: true,
    });
    const args = await status;
    assert.equal(args[6], parent, "orderStatus parentId");
    api.cancelOrder(parent);
  });

  it("alters only the next order once the fault is armed, and works the altered one", async () => {
    sim.tamperNextOrder({ quantity_factor: 50, order_type: "LMT" });
    const base = { action: OrderAction.BUY, orderType: OrderType.LMT, totalQuantity: 2, lmtPrice: resting };
    const altered = await place(base);
    assert.equal(altered.o.totalQuantity, 100);
    const clean = await place(base);
    assert.equal(clean.o.totalQuantity, 2);
  });
});
