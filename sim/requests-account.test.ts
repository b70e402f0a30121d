import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { EventName, type IBApi, type IBApiNext } from "@stoqey/ib";
import { filter, firstValueFrom, timeout } from "rxjs";
import { syntheticMarket } from "./market/market.ts";
import { marksAt } from "./market/marks.ts";
import { waitFor } from "./testing/clients.ts";
import { openSession, type SimSession } from "./testing/session.ts";
import {
  accountValues,
  dailyPnl,
  initialPositions,
  STARTING_CASH,
  unrealizedPnl,
} from "./universe/accounts.ts";

const valuesAt = (t: number) => accountValues(STARTING_CASH, initialPositions(), marksAt(syntheticMarket, t));

import { findInstrument } from "./universe/instruments.ts";

describe("the simulator serves account requests to the real @stoqey/ib client", { timeout: 30_000 }, () => {
  let s: SimSession;
  let next: IBApiNext;
  let api: IBApi;
  const aapl = findInstrument("AAPL", "STK")!;

  before(async () => {
    s = await openSession({ timeScale: 0.01 });
    ({ next, api } = s);
  });
  after(async () => {
    await s.close();
  });

  it("reqAccountSummary: the usual tags with exact values", async () => {
    const t0 = Date.now();
    const tags =
      "NetLiquidation,TotalCashValue,BuyingPower,AvailableFunds,ExcessLiquidity,GrossPositionValue";
    const update = await firstValueFrom(
      next.getAccountSummary("All", tags).pipe(
        filter((u) => (u.all.get("DU1234567")?.size ?? 0) === 6),
        timeout(5000),
      ),
    );
    const got = update.all.get("DU1234567")!;
    // positions are marked at the latest 3-minute refresh: the one before or after the request
    const received = tags.split(",").map((tag) => got.get(tag)?.get("USD")?.value);
    const at = (t: number) => tags.split(",").map((tag) => valuesAt(t).find((x) => x.tag === tag)?.value);
    assert.ok(
      isDeepStrictEqual(received, at(t0)) || isDeepStrictEqual(received, at(Date.now())),
      `${received} matches the marks of ${at(t0)}`,
    );
    assert.equal(got.get("TotalCashValue")?.get("USD")?.value, "100000.00");
  });

  it("reqAccountSummary: $LEDGER:ALL sends the ledger in USD and BASE", async () => {
    const update = await firstValueFrom(
      next.getAccountSummary("All", "$LEDGER:ALL").pipe(
        filter((u) => u.all.get("DU1234567")?.get("ExchangeRate")?.size === 2),
        timeout(5000),
      ),
    );
    const got = update.all.get("DU1234567")!;
    assert.equal(got.get("CashBalance")?.get("USD")?.value, "100000.00");
    assert.equal(got.get("CashBalance")?.get("BASE")?.value, "100000.00");
    assert.ok(Number(got.get("StockMarketValue")?.get("USD")?.value) > 0);
  });

  it("reqPositions: every starting position", async () => {
    const update = await firstValueFrom(next.getPositions().pipe(timeout(5000)));
    const positions = update.all.get("DU1234567") ?? [];
    const expected = initialPositions();
    assert.equal(positions.length, expected.length);
    const aaplPos = positions.find((p) => p.contract.conId === 265598);
    assert.equal(aaplPos?.pos, 100);
    assert.equal(aaplPos?.avgCost, 180.25);
  });

  it("reqAccountUpdates: values, portfolio and download end", async () => {
    const portfolio: number[] = [];
    api.on(EventName.updatePortfolio, (c) => portfolio.push(c.conId ?? 0));
    const end = waitFor<[string]>(api, EventName.accountDownloadEnd);
    const value = waitFor<[string, string, string, string]>(
      api,
      EventName.updateAccountValue,
      (k) => k === "NetLiquidation",
    );
    const t0 = Date.now();
    api.reqAccountUpdates(true, "DU1234567");
    assert.deepEqual(await end, ["DU1234567"]);
    const [, v, cur] = await value;
    const netLiq = (t: number) => valuesAt(t).find((x) => x.tag === "NetLiquidation")?.value;
    assert.ok([netLiq(t0), netLiq(Date.now())].includes(v), `${v} is the marked net liquidation`);
    assert.equal(cur, "USD");
    assert.deepEqual(
      portfolio.sort(),
      initialPositions()
        .map((p) => p.instrument.conId)
        .sort(),
    );
    api.reqAccountUpdates(false, "DU1234567");
  });

  it("reqPnL and reqPnLSingle", async () => {
    const t0 = Date.now();
    const pnl = await firstValueFrom(next.getPnL("DU1234567").pipe(timeout(5000)));
    // the book's P&L is the sum of its positions' on the marks (its sign depends on where the path is)
    const sumAt = (t: number, f: typeof unrealizedPnl) =>
      Math.round(initialPositions().reduce((a, p) => a + f(p, marksAt(syntheticMarket, t)), 0) * 100) / 100;
    assert.ok(
      [sumAt(t0, unrealizedPnl), sumAt(Date.now(), unrealizedPnl)].includes(pnl.unrealizedPnL ?? NaN),
    );
    assert.ok([sumAt(t0, dailyPnl), sumAt(Date.now(), dailyPnl)].includes(pnl.dailyPnL ?? NaN));
    const single = await firstValueFrom(next.getPnLSingle("DU1234567", "", 265598).pipe(timeout(5000)));
    assert.equal(single.position, 100);
    // marked on the same path as quotes and bars, not at the reference price
    const value = (t: number) => Math.round(100 * marksAt(syntheticMarket, t)(aapl).price * 100) / 100;
    assert.ok([value(t0), value(Date.now())].includes(single.marketValue ?? 0), `${single.marketValue}`);
  });

  it("every reply decoded cleanly (no underrun or leftover fields)", () => {
    assert.deepEqual(s.decodeProblems(), []);
  });
});
