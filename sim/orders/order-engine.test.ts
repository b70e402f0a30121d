import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  type Contract,
  EventName,
  type Execution,
  type IBApi,
  type IBApiNext,
  type Order,
  OrderAction,
  type OrderState,
  OrderType,
  SecType,
} from "@stoqey/ib";
import { type Simulator, startSimulator } from "../server.ts";
import { collectCodes, connectApi, connectNext, waitFor } from "../testing/clients.ts";
import { openMarket, openNow } from "../testing/open-market.ts";
import { findInstrument } from "../universe/instruments.ts";
import { livePrice, liveQuote } from "../universe/live-price.ts";
import { commissionFor } from "./order-engine.ts";

type Status = { id: number; status: string; at: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("sim order engine: what-if, orderRef, stops, brackets", { timeout: 30_000 }, () => {
  let sim: Simulator;
  let api: IBApi;
  let next: IBApiNext;
  let codes: ReturnType<typeof collectCodes>;
  const statuses: Status[] = [];
  const ibm = findInstrument("IBM", "STK")!;
  const contract: Contract = {
    conId: ibm.conId,
    symbol: "IBM",
    secType: SecType.STK,
    exchange: "SMART",
    currency: "USD",
  };
  const statusOf = (id: number) => statuses.filter((s) => s.id === id).map((s) => s.status);
  const reached = (id: number, status: string, ms = 10_000) =>
    waitFor(api, EventName.orderStatus, (oid: number, st: string) => oid === id && st === status, ms);
  let nextId = 0;

  before(async () => {
    sim = await startSimulator({ timeScale: 0.01, market: openMarket() });
    api = await connectApi(sim, 7);
    next = await connectNext(sim, 8);
    codes = collectCodes(api);
    api.on(EventName.orderStatus, (id: number, status: string) =>
      statuses.push({ id, status, at: Date.now() }),
    );
    nextId = await next.getNextValidOrderId();
  });
  after(async () => {
    api.disconnect();
    next.disconnect();
    await sim.close();
  });

  it("a what-if answers with margins and commission and places nothing", async () => {
    const id = nextId++;
    const preview = waitFor<[number, Contract, Order, OrderState]>(
      api,
      EventName.openOrder,
      (oid: number) => oid === id,
    );
    api.placeOrder(id, contract, {
      action: OrderAction.BUY,
      orderType: OrderType.MKT,
      totalQuantity: 100,
      whatIf: true,
      transmit: true,
    });
    const [, , order, state] = await preview;
    const ask = liveQuote(ibm, openNow()).ask;
    assert.equal(order.whatIf, true);
    assert.equal(state.commission, commissionFor(ibm, 100, ask));
    assert.equal(state.commissionCurrency, "USD");
    assert.ok(
      Math.abs((state.initMarginChange ?? 0) - 100 * ask * 0.25) < 1,
      `init margin change ~25% of notional: ${state.initMarginChange}`,
    );
    const sum = (state.initMarginBefore ?? Number.NaN) + (state.initMarginChange ?? 0);
    assert.ok(Math.abs((state.initMarginAfter ?? 0) - sum) < 0.01, "init margin after = before + change");
    assert.ok((state.equityWithLoanBefore ?? 0) > 0, "equity with loan before is reported");
    assert.ok(state.maintMarginAfter !== undefined && state.minCommission !== undefined);
    // a real MKT order fills within milliseconds at this time scale: give it far longer
    await sleep(500);
    assert.deepEqual(statusOf(id), [], "a what-if gets no order status");
    const execs = await next.getExecutionDetails({});
    assert.equal(
      execs.find((e) => e.execution.orderId === id),
      undefined,
    );
    const open = await next.getAllOpenOrders();
    assert.equal(
      open.find((o) => o.orderId === id),
      undefined,
    );
  });

  it("orderRef is echoed in openOrder, execDetails and reqExecutions", async () => {
    const id = nextId++;
    const opened = waitFor<[number, Contract, Order]>(api, EventName.openOrder, (oid: number) => oid === id);
    const exec = waitFor<[number, Contract, Execution]>(
      api,
      EventName.execDetails,
      (_r: number, _c: Contract, e: Execution) => e.orderId === id,
    );
    api.placeOrder(id, contract, {
      action: OrderAction.BUY,
      orderType: OrderType.MKT,
      totalQuantity: 3,
      orderRef: "ref-7f3a",
      transmit: true,
    });
    assert.equal((await opened)[2].orderRef, "ref-7f3a");
    assert.equal((await exec)[2].orderRef, "ref-7f3a");
    const listed = await next.getExecutionDetails({});
    assert.equal(listed.find((e) => e.execution.orderId === id)?.execution.orderRef, "ref-7f3a");
  });

  it("a stop far from the market rests; one within the swing triggers a market fill", async () => {
    const px = livePrice(ibm, openNow());
    const far = nextId++;
    const near = nextId++;
    const farUp = reached(far, "Submitted");
    api.placeOrder(far, contract, {
      action: OrderAction.BUY,
      orderType: OrderType.STP,
      auxPrice: Math.round(px * 1.5),
      totalQuantity: 1,
      transmit: true,
    });
    await farUp;
    const filled = reached(near, "Filled");
    api.placeOrder(near, contract, {
      action: OrderAction.SELL,
      orderType: OrderType.STP,
      auxPrice: px * 0.999,
      totalQuantity: 1,
      transmit: true,
    });
    const [, , , , avg] = (await filled) as unknown as [number, string, number, number, number];
    assert.ok(avg <= px * 0.999 + 0.05, `a sell stop fills at the market once crossed: ${avg}`);
    assert.deepEqual(statusOf(far), ["Submitted"], "the far stop has not triggered");
    const open = await next.getAllOpenOrders();
    const rest = open.find((o) => o.orderId === far);
    assert.equal(rest?.order.orderType, "STP");
    assert.equal(rest?.order.auxPrice, Math.round(px * 1.5));
    api.cancelOrder(far);
    await reached(far, "Cancelled");
  });

  it("a STP LMT becomes a limit once triggered: fills at or under its limit, or rests when out of reach", async () => {
    const px = livePrice(ibm, openNow());
    const good = nextId++;
    const out = nextId++;
    const lmt = px * 1.02;
    const filled = reached(good, "Filled");
    api.placeOrder(good, contract, {
      action: OrderAction.BUY,
      orderType: OrderType.STP_LMT,
      auxPrice: px * 1.001,
      lmtPrice: lmt,
      totalQuantity: 2,
      transmit: true,
    });
    const [, , , , avg] = (await filled) as unknown as [number, string, number, number, number];
    assert.ok(avg <= lmt, `a buy stop-limit fills at or under its limit (${avg} <= ${lmt})`);
    // triggered at once (stop below the market) but its limit is far under the ask: it must rest, not fill
    api.placeOrder(out, contract, {
      action: OrderAction.BUY,
      orderType: OrderType.STP_LMT,
      auxPrice: px * 0.5,
      lmtPrice: px * 0.6,
      totalQuantity: 2,
      transmit: true,
    });
    await reached(out, "Submitted");
    await sleep(1500); // more than one full simulated swing at this time scale
    assert.deepEqual(statusOf(out), ["Submitted"]);
    api.cancelOrder(out);
    await reached(out, "Cancelled");
  });

  it("a bracket goes live on its last leg; children wait for the parent's fill; one child's fill cancels the other", async () => {
    const px = livePrice(ibm, openNow());
    const parent = nextId++;
    const takeProfit = nextId++;
    const stopLoss = nextId++;
    const base = { totalQuantity: 5, orderRef: "bracket-1" };
    api.placeOrder(parent, contract, {
      ...base,
      action: OrderAction.BUY,
      orderType: OrderType.MKT,
      transmit: false,
    });
    api.placeOrder(takeProfit, contract, {
      ...base,
      action: OrderAction.SELL,
      orderType: OrderType.LMT,
      lmtPrice: Math.round(px * 2),
      parentId: parent,
      transmit: false,
    });
    await sleep(400);
    assert.deepEqual([...statusOf(parent), ...statusOf(takeProfit)], [], "held legs are not live");
    const slFilled = reached(stopLoss, "Filled", 15_000);
    const tpCancelled = reached(takeProfit, "Cancelled", 15_000);
    api.placeOrder(stopLoss, contract, {
      ...base,
      action: OrderAction.SELL,
      orderType: OrderType.STP,
      auxPrice: px * 0.999,
      parentId: parent,
      transmit: true,
    });
    await slFilled;
    await tpCancelled;
    assert.deepEqual(statusOf(parent), ["Submitted", "Filled"]);
    assert.deepEqual(statusOf(takeProfit), ["PreSubmitted", "Submitted", "Cancelled"]);
    assert.deepEqual(statusOf(stopLoss), ["PreSubmitted", "Submitted", "Filled"]);
    const at = (id: number, st: string) => statuses.find((s) => s.id === id && s.status === st)!.at;
    assert.ok(at(takeProfit, "Submitted") >= at(parent, "Filled"), "children go live after the parent fills");
    const execs = await next.getExecutionDetails({});
    const mine = execs.filter((e) => e.execution.orderRef === "bracket-1").map((e) => e.execution.orderId);
    assert.deepEqual(mine.sort(), [parent, stopLoss].sort());
    assert.ok(
      codes.some((c) => c.code === 202 && c.reqId === takeProfit),
      "the cancelled sibling gets IB's 202",
    );
    assert.equal(codes.filter((c) => /Underrun|Decoding|unprocessed/.test(c.message)).length, 0);
  });

  it("a child naming no working parent is refused with 321 and changes nothing", async () => {
    const id = nextId++;
    const refused = waitFor(
      api,
      EventName.error,
      (_e, code: number, reqId: number) => reqId === id && code === 321,
    );
    api.placeOrder(id, contract, {
      action: OrderAction.SELL,
      orderType: OrderType.LMT,
      lmtPrice: 1000,
      totalQuantity: 1,
      parentId: 999_999,
      transmit: true,
    });
    await refused;
    assert.deepEqual(statusOf(id), []);
  });
});

describe("sim order engine: modify", { timeout: 30_000 }, () => {
  it("re-placing a resting limit under its id stops the old watcher, so the process exits after close()", async () => {
    const url = (p: string) => JSON.stringify(new URL(p, import.meta.url).href);
    // the child would stay alive on a leaked interval; exiting by itself is the assertion
    const script = `
      import { startSimulator } from ${url("../server.ts")};
      import { connectApi, waitFor } from ${url("../testing/clients.ts")};
      const sim = await startSimulator({ timeScale: 0.01 });
      const api = await connectApi(sim, 3);
      const c = { symbol: "IBM", secType: "STK", exchange: "SMART", currency: "USD" };
      const o = { action: "BUY", orderType: "LMT", totalQuantity: 1, transmit: true };
      const first = waitFor(api, "orderStatus", (id, st) => id === 50 && st === "Submitted");
      api.placeOrder(50, c, { ...o, lmtPrice: 1 });
      await first;
      const second = waitFor(api, "openOrder", (id, _c, ord) => id === 50 && ord.lmtPrice === 2);
      api.placeOrder(50, c, { ...o, lmtPrice: 2 });
      await second;
      api.disconnect();
      await sim.close();
      console.log("closed");
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    const code = await new Promise<number | null | "hung">((resolve) => {
      const t = setTimeout(() => {
        child.kill("SIGKILL");
        resolve("hung");
      }, 15_000);
      child.once("exit", (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    assert.match(out, /closed/, `the child got through close(): ${out}`);
    assert.equal(code, 0, `the child exits by itself after close(): ${out}`);
  });
});
