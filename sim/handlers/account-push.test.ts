/** What the simulator pushes after the initial account downloads, as IB does, to the real @stoqey/ib client. */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { EventName, type IBApi, OrderAction, OrderType, SecType } from "@stoqey/ib";
import { type Simulator, startSimulator } from "../server.ts";
import { connectApi, waitFor } from "../testing/clients.ts";
import { marketAt, OPEN_MOMENT, openMarket } from "../testing/open-market.ts";
import { findInstrument } from "../universe/instruments.ts";

const ibm = findInstrument("IBM", "STK")!;
const ibmContract = {
  conId: ibm.conId,
  symbol: "IBM",
  secType: SecType.STK,
  exchange: "SMART",
  currency: "USD",
};
const isIbm = (c: { conId?: number }) => c.conId === ibm.conId;

describe("simulator account pushes", { timeout: 30_000 }, () => {
  let sim: Simulator | undefined;
  const apis: IBApi[] = [];
  afterEach(async () => {
    for (const a of apis.splice(0)) a.disconnect();
    await sim?.close();
  });

  it("another client's fill reaches every subscriber: position, portfolio row, account values, P&L and summary", async () => {
    sim = await startSimulator({ port: 0, market: openMarket() });
    const watcher = await connectApi(sim, 1);
    const trader = await connectApi(sim, 2);
    apis.push(watcher, trader);
    const account = sim.accounts[0]!;
    const downloaded = waitFor(watcher, EventName.accountDownloadEnd);
    const firstPnl = waitFor(watcher, EventName.pnl);
    const summarized = waitFor(watcher, EventName.accountSummaryEnd);
    watcher.reqPositions();
    watcher.reqAccountUpdates(true, account);
    watcher.reqPnL(9, account, "");
    watcher.reqAccountSummary(7, "All", "TotalCashValue,NetLiquidation");
    await Promise.all([downloaded, firstPnl, summarized]);

    const position = waitFor(
      watcher,
      EventName.position,
      (...a: unknown[]) => isIbm(a[1] as { conId?: number }) && a[2] === 10,
    );
    const row = waitFor(
      watcher,
      EventName.updatePortfolio,
      (...a: unknown[]) => isIbm(a[0] as { conId?: number }) && a[1] === 10,
    );
    const cash = waitFor(watcher, EventName.updateAccountValue, (tag: string) => tag === "TotalCashValue");
    const pnl = waitFor(watcher, EventName.pnl, (id: number) => id === 9);
    const summary = waitFor(
      watcher,
      EventName.accountSummary,
      (...a: unknown[]) => a[0] === 7 && a[2] === "TotalCashValue",
    );
    trader.placeOrder(1, ibmContract, {
      action: OrderAction.BUY,
      orderType: OrderType.MKT,
      totalQuantity: 10,
      transmit: true,
    });
    const [positionAccount, , , avgCost] = await position;
    assert.equal(positionAccount, account);
    assert.ok((avgCost as number) > 0);
    const [, , marketPrice, marketValue, , , , rowAccount] = await row;
    assert.equal(rowAccount, account);
    assert.ok(Math.abs((marketValue as number) - 10 * (marketPrice as number)) < 0.01);
    await cash;
    await pnl;
    await summary;
  });

  it("at each 3-minute refresh of the marks, the portfolio, account values and P&L come again without a fill", async () => {
    // the simulated clock runs 360 times as fast: a refresh every half second
    sim = await startSimulator({ port: 0, market: marketAt(OPEN_MOMENT, 360) });
    const watcher = await connectApi(sim, 1);
    apis.push(watcher);
    const account = sim.accounts[0]!;
    const downloaded = waitFor(watcher, EventName.accountDownloadEnd);
    const firstPnl = waitFor(watcher, EventName.pnl);
    watcher.reqAccountUpdates(true, account);
    watcher.reqPnL(9, account, "");
    await Promise.all([downloaded, firstPnl]);
    await Promise.all([
      waitFor(watcher, EventName.updatePortfolio, () => true, 5_000),
      waitFor(watcher, EventName.updateAccountValue, (tag: string) => tag === "NetLiquidation", 5_000),
      waitFor(watcher, EventName.pnl, (id: number) => id === 9, 5_000),
    ]);
    // unsubscribed: nothing more comes
    watcher.reqAccountUpdates(false, account);
    watcher.cancelPnL(9);
    await new Promise((r) => setTimeout(r, 200));
    await assert.rejects(
      waitFor(watcher, EventName.updatePortfolio, () => true, 2_500),
      /no updatePortfolio/,
    );
  });
});
