import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EventName, type IBApi, type IBApiNext, ScanCode } from "@stoqey/ib";
import { waitFor } from "./testing/clients.ts";
import { openSession, type SimSession } from "./testing/session.ts";

describe("the simulator serves scanner and market rule requests to the real @stoqey/ib client", {
  timeout: 30_000,
}, () => {
  let s: SimSession;
  let next: IBApiNext;
  let api: IBApi;

  before(async () => {
    s = await openSession({ timeScale: 0.01 });
    ({ next, api } = s);
  });
  after(async () => {
    await s.close();
  });

  const subscribe = (reqId: number, scanCode = ScanCode.MOST_ACTIVE) =>
    api.reqScannerSubscription(
      reqId,
      { numberOfRows: 5, instrument: "STK" as never, locationCode: "STK.US.MAJOR" as never, scanCode },
      [],
      [],
    );

  it("sends one ranked batch per subscription, with the contracts' ids", async () => {
    const rows: Array<[number, { contract: { conId?: number; symbol?: string } }]> = [];
    const onRow = (id: number, rank: number, d: { contract: { conId?: number; symbol?: string } }) => {
      if (id === 700) rows.push([rank, d]);
    };
    api.on(EventName.scannerData, onRow);
    const end = waitFor(api, EventName.scannerDataEnd, (id: number) => id === 700);
    subscribe(700, ScanCode.TOP_PERC_GAIN);
    await end;
    api.off(EventName.scannerData, onRow);
    api.cancelScannerSubscription(700);
    assert.deepEqual(
      rows.map(([rank]) => rank),
      [0, 1, 2, 3, 4],
    );
    for (const [, d] of rows) assert.ok((d.contract.conId ?? 0) > 0 && d.contract.symbol);
  });

  it("refuses an eleventh concurrent subscription with IB's 162 until one is cancelled", async () => {
    for (let k = 0; k < 10; k++) {
      const end = waitFor(api, EventName.scannerDataEnd, (id: number) => id === 800 + k);
      subscribe(800 + k);
      await end;
    }
    const refused = waitFor(api, EventName.error, (_e: Error, _code: number, id: number) => id === 810);
    subscribe(810);
    const [err, code] = await refused;
    assert.equal(code, 162);
    assert.match(err.message, /scanner subscriptions/);
    api.cancelScannerSubscription(800);
    const end = waitFor(api, EventName.scannerDataEnd, (id: number) => id === 811);
    subscribe(811);
    await end;
    for (let k = 801; k <= 811; k++) api.cancelScannerSubscription(k);
  });

  it("refuses an unknown location with IB's validation error 321", async () => {
    const refused = waitFor(api, EventName.error, (_e: Error, _code: number, id: number) => id === 900);
    api.reqScannerSubscription(
      900,
      { instrument: "STK" as never, locationCode: "STK.MARS" as never, scanCode: ScanCode.MOST_ACTIVE },
      [],
      [],
    );
    const [, code] = await refused;
    assert.equal(code, 321);
  });

  it("serves scanner parameters as IB's XML document and market rules by id", async () => {
    const xml = await next.getScannerParameters();
    assert.match(xml, /^<\?xml/);
    assert.match(xml, /<scanCode>TOP_PERC_GAIN<\/scanCode>/);
    assert.deepEqual(await next.getMarketRule(32), [
      { lowEdge: 0, increment: 0.05 },
      { lowEdge: 3, increment: 0.1 },
    ]);
  });
});
