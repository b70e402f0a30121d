/** The session state against the simulator: real @stoqey/ib over a real socket, fills by another API client. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type IBApi, OrderAction, OrderType, SecType } from "@stoqey/ib";
import { findTool } from "../../../shared/tools/index.ts";
import { findInstrument, type Simulator, startSimulator } from "../../../sim/index.ts";
import { connectApi, waitFor as waitForEvent } from "../../../sim/testing/clients.ts";
import { openMarket } from "../../../sim/testing/open-market.ts";
import type { ConnectorHandle } from "../../connector.ts";
import { testConnector, waitFor } from "../../test-support.ts";
import { readerFailsFastOnDrop } from "./test-support.ts";

type Row = Record<string, unknown>;
type Area = { area: string; status: string; counts: Record<string, number>; ageMs?: number };
const ctx = (timeoutMs = 10_000) => ({ requestId: "state-test", timeoutMs });
const ibm = findInstrument("IBM", "STK")!;
const aapl = findInstrument("AAPL", "STK")!;
const stock = (i: typeof ibm) => ({
  conId: i.conId,
  symbol: i.symbol,
  secType: SecType.STK,
  exchange: "SMART",
  currency: "USD",
});

/** Another API client trades, as a user in TWS would: a market order, resolved once it filled. */
async function trade(
  trader: IBApi,
  orderId: number,
  action: OrderAction,
  quantity: number,
  instrument = ibm,
): Promise<void> {
  const filled = waitForEvent(
    trader,
    "orderStatus" as never,
    (id: number, s: string) => id === orderId && s === "Filled",
  );
  trader.placeOrder(orderId, stock(instrument), {
    action,
    orderType: OrderType.MKT,
    totalQuantity: quantity,
    transmit: true,
  });
  await filled;
}

describe("session state against the simulator", { timeout: 60_000 }, () => {
  let sim: Simulator;
  let connector: ConnectorHandle;
  let trader: IBApi;

  async function call<T = Row>(tool: string, args: unknown, timeoutMs = 10_000): Promise<T> {
    const out = await connector.dispatcher(tool, args, ctx(timeoutMs));
    const parsed = findTool(tool)!.output.safeParse(out);
    assert.ok(parsed.success, `${tool} output does not match its schema: ${parsed.error?.message}`);
    return out as T;
  }
  const areas = async () =>
    (await call<{ sessionState?: Area[] }>("get_connection_status", {})).sessionState ?? [];
  const allFresh = async () => {
    const a = await areas();
    // the account summary is subscribed on its first read ("off" until then); open orders are kept only by
    // IB's Master API client (open-orders-state.test.ts), "off" here
    const offHere = ["account summary", "open orders"];
    return (
      a.length > 0 && a.every((x) => x.status === "fresh" || (offHere.includes(x.area) && x.status === "off"))
    );
  };
  const ibmPosition = async () =>
    (await call<{ positions: Row[] }>("get_positions", {})).positions.find(
      (p) => (p.contract as Row).conId === ibm.conId,
    )?.position;
  const ibmItem = async () =>
    (await call<{ items: Row[] }>("get_portfolio", {})).items.find(
      (p) => (p.contract as Row).conId === ibm.conId,
    );
  const summaryCash = async () => {
    const out = await call<{ accounts: Array<{ values: Row[] }> }>("get_account_summary", {});
    return Number(out.accounts[0]!.values.find((v) => v.tag === "TotalCashValue")!.value);
  };
  const cash = async () => {
    const out = await call<{ accounts: Array<{ values: Row[] }> }>("get_account_values", {
      tag_prefix: "TotalCashValue",
      currency: "USD",
    });
    return Number(out.accounts[0]!.values[0]!.value);
  };
  /** Polls an async check (state updates arrive as IB pushes them, a moment after the fill event). */
  async function eventually(check: () => Promise<boolean>, what: string, ms = 5_000): Promise<void> {
    let ok = false;
    const poll = async () => {
      ok = await check();
    };
    await poll();
    await waitFor(
      () => {
        if (!ok) void poll();
        return ok;
      },
      ms,
      what,
    );
  }

  before(async () => {
    sim = await startSimulator({ port: 0, market: openMarket() });
    connector = await testConnector(sim.port, { IB_CONNECT_TIMEOUT_MS: "10000" });
    await connector.ready(10_000);
    trader = await connectApi(sim, 77);
  });
  after(async () => {
    trader?.disconnect();
    await connector?.close();
    await sim?.close();
  });

  it("is fresh after connecting, with counts and the age of its last update in get_connection_status", async () => {
    await eventually(allFresh, "every area fresh");
    const byName = new Map((await areas()).map((a) => [a.area, a]));
    assert.deepEqual([...byName.keys()].sort(), [
      "P&L",
      "account summary",
      "account updates",
      "executions",
      "open orders",
      "positions",
    ]);
    assert.equal(byName.get("open orders")!.status, "off", "not IB's Master API client: asked on each read");
    assert.equal(byName.get("account summary")!.status, "off", "not subscribed before its first read");
    await call("get_account_summary", {});
    const summaryArea = (await areas()).find((a) => a.area === "account summary")!;
    assert.equal(summaryArea.status, "fresh", "subscribed by the first read");
    assert.equal(summaryArea.counts.accounts, 1);
    assert.equal(
      byName.get("positions")!.counts.positions,
      5,
      "the simulator's starting book holds 5 positions",
    );
    assert.equal(byName.get("account updates")!.counts.portfolio, 5);
    assert.ok(byName.get("account updates")!.counts.accountValues! > 10);
    assert.equal(byName.get("P&L")!.counts.accounts, 1);
    for (const a of (await areas()).filter((x) => x.status !== "off"))
      assert.ok(a.ageMs !== undefined && a.ageMs >= 0, `${a.area} has an age`);
  });

  it("follows another client's fills from IB's pushes, without asking IB again", async () => {
    await eventually(allFresh, "every area fresh");
    const cashBefore = await cash();
    const realizedBefore = (await call<{ accounts: Row[] }>("get_pnl", { include_positions: false }))
      .accounts[0]!.realizedPnL as number;
    sim.resetStats();
    await trade(trader, 101, OrderAction.BUY, 10);
    await eventually(async () => (await ibmPosition()) === 10, "IBM 10 in get_positions");
    await eventually(async () => (await ibmItem())?.position === 10, "IBM 10 in get_portfolio");
    const item = (await ibmItem())!;
    assert.ok((item.marketValue as number) > 0, "the new row is valued");
    await eventually(async () => (await cash()) < cashBefore, "cash spent on the buy");
    await eventually(async () => (await summaryCash()) < cashBefore, "and in the account summary");

    await trade(trader, 102, OrderAction.SELL, 10);
    await eventually(async () => (await ibmPosition()) === undefined, "IBM gone from get_positions");
    await eventually(async () => (await ibmItem()) === undefined, "IBM gone from get_portfolio");
    // the simulator books realized P&L on positions still held: part of the AAPL holding is sold
    await trade(trader, 103, OrderAction.SELL, 5, aapl);
    await eventually(
      async () =>
        (await call<{ accounts: Row[] }>("get_pnl", { include_positions: false })).accounts[0]!
          .realizedPnL !== realizedBefore,
      "the round trip's realized P&L in get_pnl",
    );
    const asked = sim.stats().requests;
    for (const name of ["reqPositions", "reqAccountUpdates", "reqPnL", "reqAccountSummary"])
      assert.equal(asked[name] ?? 0, 0, `${name} sent again: the reads did not come from state`);

    // IB pushes only our own fills: the position changes made the state re-sync executions, commissions included
    const fills = async () =>
      (await call<{ executions: Row[] }>("get_executions", {})).executions.filter((e) =>
        [101, 102, 103].includes(e.orderId as number),
      );
    await eventually(
      async () => (await fills()).length === 3,
      "the other client's three fills in get_executions",
    );
    for (const e of await fills())
      assert.ok((e.commission as number) > 0, `fill ${e.execId} has its commission`);
    const execRequests = sim.stats().requests.reqExecutions ?? 0;
    for (let i = 0; i < 3; i++) await fills();
    assert.equal(
      sim.stats().requests.reqExecutions ?? 0,
      execRequests,
      "fresh executions are read from state",
    );
  });

  it("a drop marks it stale and fails a waiting reader at once; after reconnecting it re-syncs what changed meanwhile", async () => {
    await eventually(allFresh, "every area fresh");
    await readerFailsFastOnDrop(sim, connector, "get_positions", () =>
      eventually(
        async () => (await areas()).some((a) => a.status === "syncing"),
        "a re-sync under way after reconnecting",
        15_000,
      ),
    );
    assert.ok(
      (await areas()).every((a) => a.status !== "fresh"),
      "nothing is fresh while IB is gone",
    );

    // while the connector is away, the book changes
    sim.setLatency(0);
    trader.disconnect();
    trader = await connectApi(sim, 77);
    await trade(trader, 201, OrderAction.BUY, 7);
    await eventually(allFresh, "every area fresh again", 20_000);
    assert.equal(await ibmPosition(), 7, "the re-sync rebuilt positions from IB's download");
    assert.equal((await ibmItem())?.position, 7, "and the portfolio");
  });
});
