import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type Contract,
  EventName,
  type IBApi,
  type Order,
  OrderAction,
  OrderType,
  SecType,
} from "@stoqey/ib";
import type { Market } from "../market/market.ts";
import { parseReplayTime } from "../market/replay-csv.ts";
import { type Simulator, startSimulator } from "../server.ts";
import { connectApi, waitFor } from "../testing/clients.ts";
import { marketAt } from "../testing/open-market.ts";

const et = (s: string) => parseReplayTime(s, "US/Eastern")!;
const ibm: Contract = { symbol: "IBM", secType: SecType.STK, exchange: "SMART", currency: "USD" };
const btc: Contract = { symbol: "BTC", secType: SecType.CRYPTO, exchange: "PAXOS", currency: "USD" };
const eurusd: Contract = { symbol: "EUR", secType: SecType.CASH, exchange: "IDEALPRO", currency: "USD" };
const mkt = (extra: Partial<Order> = {}): Order => ({
  action: OrderAction.BUY,
  orderType: OrderType.MKT,
  totalQuantity: 1,
  transmit: true,
  ...extra,
});

describe("sim orders: no fills while the session is closed", { timeout: 60_000 }, () => {
  let sim: Simulator | undefined;
  let api: IBApi | undefined;
  let market: Market;
  /** Every orderStatus by order id. */
  let statuses: Map<number, string[]>;
  /** The simulated clock when each order's execution was booked (execDetails' time, ms). */
  let execAt: Map<number, number>;

  /** A simulator whose clock reads `start` (US/Eastern) now and runs `speed` times as fast as the wall clock. */
  async function openAt(start: string, speed = 1): Promise<IBApi> {
    market = marketAt(et(start), speed);
    sim = await startSimulator({ timeScale: 0.01, market });
    api = await connectApi(sim, 7);
    statuses = new Map();
    execAt = new Map();
    api.on(EventName.orderStatus, (id: number, status: string) => {
      statuses.set(id, [...(statuses.get(id) ?? []), status]);
    });
    api.on(EventName.execDetails, (_r: number, _c: Contract, e: { orderId?: number; time?: string }) => {
      const [day, clock] = (e.time ?? "").split(" ");
      execAt.set(e.orderId ?? 0, et(`${day!.slice(0, 4)}-${day!.slice(4, 6)}-${day!.slice(6)} ${clock}`));
    });
    return api;
  }
  afterEach(async () => {
    api?.disconnect();
    await sim?.close();
    sim = undefined;
  });

  /** Places a market order and waits until IB reports it working. */
  async function placeWorking(a: IBApi, id: number, c: Contract, o = mkt()): Promise<void> {
    const working = waitFor(
      a,
      EventName.orderStatus,
      (oid: number, s: string) => oid === id && s === "Submitted",
    );
    a.placeOrder(id, c, o);
    await working;
  }

  it("on a Saturday a market order is accepted, stays Submitted and does not fill; a what-if still answers", async () => {
    const a = await openAt("2026-11-21 12:00:00");
    await placeWorking(a, 1, ibm);
    const preview = waitFor<[number, Contract, Order]>(a, EventName.openOrder, (id: number) => id === 2);
    a.placeOrder(2, ibm, mkt({ whatIf: true }));
    const [, , order] = await preview;
    assert.equal(order.whatIf, true);
    // at this time scale an open market fills within milliseconds: wait far longer
    await sleep(1_000);
    assert.deepEqual(statuses.get(1), ["Submitted"]);
    assert.equal(execAt.size, 0);
  });

  it("on Thanksgiving a stock order stays working, even one allowed outside regular hours", async () => {
    const a = await openAt("2026-11-26 12:00:00");
    await placeWorking(a, 1, ibm);
    await placeWorking(a, 2, ibm, mkt({ outsideRth: true }));
    await sleep(1_000);
    assert.deepEqual(statuses.get(1), ["Submitted"]);
    assert.deepEqual(statuses.get(2), ["Submitted"]);
  });

  it("orders placed on Thanksgiving night fill when the session opens: extended hours at 04:00, regular at 09:30", async () => {
    // 30,000x: the 10.5 hours to Friday's open pass in about 1.3 s
    const a = await openAt("2026-11-26 23:00:00", 30_000);
    const filled = (id: number) =>
      waitFor(a, EventName.orderStatus, (oid: number, s: string) => oid === id && s === "Filled", 20_000);
    const rth = filled(1);
    const eth = filled(2);
    await placeWorking(a, 1, ibm);
    await placeWorking(a, 2, ibm, mkt({ outsideRth: true }));
    await Promise.all([rth, eth]);
    const ethAt = execAt.get(2)!;
    const rthAt = execAt.get(1)!;
    assert.ok(
      ethAt >= et("2026-11-27 04:00:00") && ethAt < et("2026-11-27 09:30:00"),
      new Date(ethAt).toISOString(),
    );
    assert.ok(
      rthAt >= et("2026-11-27 09:30:00") && rthAt < et("2026-11-27 13:00:00"),
      new Date(rthAt).toISOString(),
    );
  });

  it("a regular-hours order placed before the open waits for 09:30; one allowed outside RTH fills now", async () => {
    const a = await openAt("2026-11-23 08:00:00");
    const eth = waitFor(a, EventName.orderStatus, (oid: number, s: string) => oid === 2 && s === "Filled");
    await placeWorking(a, 1, ibm);
    await placeWorking(a, 2, ibm, mkt({ outsideRth: true }));
    await eth;
    await sleep(500);
    assert.deepEqual(statuses.get(1), ["Submitted"]);
  });

  it("on a Saturday crypto trades (24x7) and FX does not (24x5)", async () => {
    const a = await openAt("2026-11-21 12:00:00");
    const crypto = waitFor(a, EventName.orderStatus, (oid: number, s: string) => oid === 1 && s === "Filled");
    await placeWorking(a, 1, btc, mkt({ totalQuantity: 0.01 }));
    await crypto;
    await placeWorking(a, 2, eurusd, mkt({ totalQuantity: 20_000 }));
    await sleep(1_000);
    assert.deepEqual(statuses.get(2), ["Submitted"]);
  });
});
