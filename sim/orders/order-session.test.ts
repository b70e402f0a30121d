import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EventName, type IBApi } from "@stoqey/ib";
import { type Simulator, startSimulator } from "../server.ts";
import { connectApi, restBuy, waitFor } from "../testing/clients.ts";
import { openMarket } from "../testing/open-market.ts";

const CLIENT_ID = 17;

describe("sim: order events follow the clientId to its new session", { timeout: 30_000 }, () => {
  let sim: Simulator;
  const apis: IBApi[] = [];

  before(async () => {
    sim = await startSimulator({ timeScale: 0.01, market: openMarket() });
  });

  after(async () => {
    for (const a of apis) a.disconnect();
    await sim?.close();
  });

  it("a cancel sent by a reconnected session of the same clientId is confirmed to that session", async () => {
    const first = await connectApi(sim, CLIENT_ID);
    apis.push(first);
    const id = 900;
    await restBuy(first, id); // far below the market: it rests
    first.disconnect();
    await new Promise((r) => setTimeout(r, 200)); // the simulator sees the socket close

    const second = await connectApi(sim, CLIENT_ID);
    apis.push(second);
    const notice = waitFor(
      second,
      EventName.error,
      (_e: Error, code: number, oid: number) => oid === id && code === 202,
    );
    const cancelled = waitFor(
      second,
      EventName.orderStatus,
      (oid: number, st: string) => oid === id && st === "Cancelled",
    );
    second.cancelOrder(id);
    await cancelled;
    const [err] = await notice;
    assert.match(err.message, /Order Canceled/);
    assert.equal(sim.stats().connections.peakByClientId[String(CLIENT_ID)], 1, "one session at a time");
  });
});
