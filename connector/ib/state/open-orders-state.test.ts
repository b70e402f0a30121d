/** Open orders in the session state against the simulator, this connector being IB's Master API client. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EventName, type IBApi, OrderAction, OrderType, SecType } from "@stoqey/ib";
import { findTool } from "../../../shared/tools/index.ts";
import { findInstrument, type Simulator, startSimulator } from "../../../sim/index.ts";
import { connectApi, waitFor as waitForEvent } from "../../../sim/testing/clients.ts";
import { openMarket } from "../../../sim/testing/open-market.ts";
import type { ConnectorHandle } from "../../connector.ts";
import { testConnector, waitFor } from "../../test-support.ts";
import { readerFailsFastOnDrop } from "./test-support.ts";

type Order = { orderId: number; permId?: number; clientId?: number; status: string; limitPrice?: number };
type Area = { area: string; status: string; counts: Record<string, number> };
const MASTER = 31;
const TRADER = 77;
const ctx = (timeoutMs = 10_000) => ({ requestId: "open-orders-test", timeoutMs });
const ibm = findInstrument("IBM", "STK")!;
const contract = {
  conId: ibm.conId,
  symbol: "IBM",
  secType: SecType.STK,
  exchange: "SMART",
  currency: "USD",
};
/** Far below the market: the order rests. */
const restingPrice = Math.round(ibm.price * 0.5 * 100) / 100;

/** Another API client places (or modifies) a buy limit; resolves once IB reports `status` for it. */
async function placeLimit(trader: IBApi, orderId: number, lmtPrice: number, status: string): Promise<void> {
  const reported = waitForEvent(
    trader,
    EventName.orderStatus,
    (id: number, s: string) => id === orderId && s === status,
  );
  trader.placeOrder(orderId, contract, {
    action: OrderAction.BUY,
    orderType: OrderType.LMT,
    totalQuantity: 1,
    lmtPrice,
    transmit: true,
  });
  await reported;
}

async function startPair(masterClientId: number | undefined, master: boolean) {
  const sim = await startSimulator({ port: 0, market: openMarket(), masterClientId });
  const connector = await testConnector(sim.port, {
    IB_CONNECT_TIMEOUT_MS: "10000",
    IB_CLIENT_ID: String(MASTER),
    IB_MASTER_API_CLIENT: String(master),
  });
  await connector.ready(10_000);
  const trader = await connectApi(sim, TRADER);
  return { sim, connector, trader };
}

function reader(connector: ConnectorHandle) {
  const call = async <T>(tool: string, timeoutMs = 10_000): Promise<T> => {
    const out = await connector.dispatcher(tool, {}, ctx(timeoutMs));
    const parsed = findTool(tool)!.output.safeParse(out);
    assert.ok(parsed.success, `${tool} output does not match its schema: ${parsed.error?.message}`);
    return out as T;
  };
  const orders = async () => (await call<{ orders: Order[] }>("get_open_orders")).orders;
  const area = async () =>
    (await call<{ sessionState?: Area[] }>("get_connection_status")).sessionState?.find(
      (a) => a.area === "open orders",
    );
  /** Polls until `check` holds (state follows IB's pushes a moment after the trader hears them). */
  const eventually = async (check: () => Promise<boolean>, what: string, ms = 5_000) => {
    let ok = await check();
    let polling = false;
    await waitFor(
      () => {
        if (!ok && !polling) {
          polling = true;
          void check().then((v) => {
            ok = v;
            polling = false;
          });
        }
        return ok;
      },
      ms,
      what,
    );
  };
  return { orders, area, eventually };
}

describe("open orders in the session state, as IB's Master API client", { timeout: 90_000 }, () => {
  let sim: Simulator;
  let connector: ConnectorHandle;
  let trader: IBApi;
  let r: ReturnType<typeof reader>;
  const has = (id: number) => async () => (await r.orders()).some((o) => o.orderId === id);

  before(async () => {
    ({ sim, connector, trader } = await startPair(MASTER, true));
    r = reader(connector);
    await r.eventually(async () => (await r.area())?.status === "fresh", "open orders fresh");
  });
  after(async () => {
    trader?.disconnect();
    await connector?.close();
    await sim?.close();
  });

  it("lists another client's new order from IB's pushes, without asking IB again", async () => {
    sim.resetStats();
    await placeLimit(trader, 1001, restingPrice, "Submitted");
    await r.eventually(has(1001), "order 1001 in get_open_orders");
    const row = (await r.orders()).find((o) => o.orderId === 1001)!;
    assert.equal(row.clientId, TRADER);
    assert.equal(row.status, "Submitted");
    assert.equal(row.limitPrice, restingPrice);
    assert.ok((row.permId ?? 0) > 0, "keyed by IB's permId, shown too");
    assert.equal((await r.area())?.counts.orders, 1);
    for (let i = 0; i < 3; i++) await r.orders();
    assert.equal(sim.stats().requests.reqAllOpenOrders ?? 0, 0, "the reads did not come from state");
  });

  it("drops an order another client cancels", async () => {
    await r.eventually(has(1001), "order 1001 listed");
    const cancelled = waitForEvent(
      trader,
      EventName.orderStatus,
      (id: number, s: string) => id === 1001 && s === "Cancelled",
    );
    trader.cancelOrder(1001);
    await cancelled;
    await r.eventually(async () => !(await has(1001)()), "order 1001 gone after its cancel");
  });

  it("drops an order once it fills", async () => {
    await placeLimit(trader, 1002, restingPrice, "Submitted");
    await r.eventually(has(1002), "order 1002 listed");
    // the trader raises its limit far above the market (IB's modify: the same id again): it fills
    await placeLimit(trader, 1002, Math.round(ibm.price * 1.5 * 100) / 100, "Filled");
    await r.eventually(async () => !(await has(1002)()), "order 1002 gone after its fill");
    assert.equal(sim.stats().requests.reqAllOpenOrders ?? 0, 0, "followed from pushes alone");
  });

  it("a drop marks it stale and fails a waiting reader at once; after reconnecting it re-syncs", async () => {
    await r.eventually(async () => (await r.area())?.status === "fresh", "open orders fresh");
    await readerFailsFastOnDrop(sim, connector, "get_open_orders", () =>
      r.eventually(
        async () => (await r.area())?.status === "syncing",
        "a re-sync under way after reconnecting",
        15_000,
      ),
    );
    assert.notEqual((await r.area())?.status, "fresh", "not fresh while IB is gone");

    // while the connector is away, another client places an order: only the re-sync can know it
    sim.setLatency(0);
    trader.disconnect();
    trader = await connectApi(sim, TRADER);
    await placeLimit(trader, 1003, restingPrice, "Submitted");
    await r.eventually(async () => (await r.area())?.status === "fresh", "fresh again", 20_000);
    sim.resetStats();
    assert.ok(await has(1003)(), "the re-sync brought the order placed while away");
    assert.equal(sim.stats().requests.reqAllOpenOrders ?? 0, 0, "and reads come from state again");
  });
});

describe("open orders without the Master API client", { timeout: 60_000 }, () => {
  it("are asked of IB on every read, and the area is off", async () => {
    const { sim, connector, trader } = await startPair(undefined, false);
    const r = reader(connector);
    try {
      assert.equal((await r.area())?.status, "off");
      await placeLimit(trader, 2001, restingPrice, "Submitted");
      sim.resetStats();
      assert.ok(
        (await r.orders()).some((o) => o.orderId === 2001),
        "another client's order listed",
      );
      await r.orders();
      assert.equal(sim.stats().requests.reqAllOpenOrders, 2, "one reqAllOpenOrders per read");
    } finally {
      trader.disconnect();
      await connector.close();
      await sim.close();
    }
  });
});
