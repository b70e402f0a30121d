import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { type Contract, EventName, type IBApi } from "@stoqey/ib";
import { type Simulator, startSimulator } from "../server.ts";
import { connectApi, restBuy, waitFor } from "../testing/clients.ts";
import { openMarket } from "../testing/open-market.ts";

const MASTER = 9;
const TRADER = 77;

/** Every (orderId, status) an API client hears by orderStatus. */
function statuses(api: IBApi): Array<[number, string]> {
  const seen: Array<[number, string]> = [];
  api.on(EventName.orderStatus, (id: number, status: string) => seen.push([id, status]));
  return seen;
}

describe("sim: the Master API client hears every client's order events", { timeout: 30_000 }, () => {
  let sim: Simulator | undefined;
  const apis: IBApi[] = [];
  afterEach(async () => {
    for (const a of apis.splice(0)) a.disconnect();
    await sim?.close();
  });

  /** The trader rests a buy far below the market, then cancels it; resolves once the trader heard the cancel. */
  async function restAndCancel(trader: IBApi, id: number): Promise<void> {
    await restBuy(trader, id);
    const cancelled = waitFor(
      trader,
      EventName.orderStatus,
      (o: number, s: string) => o === id && s === "Cancelled",
    );
    trader.cancelOrder(id);
    await cancelled;
  }

  it("sends another client's openOrder and orderStatus to the master clientId as well", async () => {
    sim = await startSimulator({ timeScale: 0.01, market: openMarket(), masterClientId: MASTER });
    const master = await connectApi(sim, MASTER);
    const trader = await connectApi(sim, TRADER);
    apis.push(master, trader);
    const heard = statuses(master);
    const opened = waitFor(master, EventName.openOrder, (o: number) => o === 500);
    await restAndCancel(trader, 500);
    const [, , order] = (await opened) as unknown as [
      number,
      Contract,
      { clientId?: number; permId?: number },
    ];
    assert.equal(order.clientId, TRADER, "the openOrder names the placing client");
    assert.ok((order.permId ?? 0) > 0, "with IB's permId");
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      heard.filter(([id]) => id === 500).map(([, s]) => s),
      ["Submitted", "Cancelled"],
    );
  });

  it("without a master clientId, another client hears nothing of the order", async () => {
    sim = await startSimulator({ timeScale: 0.01, market: openMarket() });
    const other = await connectApi(sim, MASTER);
    const trader = await connectApi(sim, TRADER);
    apis.push(other, trader);
    const heard = statuses(other);
    await restAndCancel(trader, 600);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(heard, []);
  });
});
