import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import { EventName } from "@stoqey/ib";
import { IbMcpError } from "../../../shared/errors.ts";
import type { ContractSummary } from "../../../shared/schemas/fields.ts";
import { createPacer, type PacedRequest, type Pacer } from "../../pacing/index.ts";
import { createIbClient } from "../client.ts";
import { InFlight } from "../in-flight.ts";
import type { IbLink } from "../link.ts";
import type { IbSession } from "../session.ts";

const aapl: ContractSummary = {
  conId: 265598,
  symbol: "AAPL",
  secType: "STK",
  exchange: "SMART",
  currency: "USD",
};
const scope = (ms = 2_000) => ({ signal: new AbortController().signal, deadlineAt: Date.now() + ms });

/** IB's side: every request answered at once in its own layout; real-time bars stream until cancelled. */
function fakeIb() {
  let reqId = 100;
  const bars = new Map<number, NodeJS.Timeout>();
  const raw = Object.assign(new EventEmitter(), {
    reqHistoricalTicks(id: number, _c: unknown, _s: string, _e: string, _n: number, what: string) {
      const event = what === "BID_ASK" ? EventName.historicalTicksBidAsk : EventName.historicalTicksLast;
      setImmediate(() => raw.emit(event, id, [{ time: 1, price: 1, size: 1 }], true));
    },
    reqHeadTimestamp(id: number) {
      setImmediate(() => raw.emit(EventName.headTimestamp, id, "1104762600"));
    },
    reqHistogramData(id: number) {
      setImmediate(() => raw.emit(EventName.histogramData, id, [{ price: 1, size: 2 }]));
    },
    reqRealTimeBars(id: number) {
      let t = 0;
      const emit = () => {
        t += 5;
        raw.emit(EventName.realtimeBar, id, t, 1, 1, 1, 1, 1, 1, 1);
      };
      bars.set(id, setInterval(emit, 2));
    },
    cancelRealTimeBars(id: number) {
      clearInterval(bars.get(id));
      bars.delete(id);
    },
    cancelHeadTimestamp() {},
    cancelHistogramData() {},
  });
  const link = {
    raw,
    next: {
      get nextReqId() {
        return ++reqId;
      },
    },
  } as unknown as IbLink;
  const session = { link: () => link, inFlight: new InFlight() } as unknown as IbSession;
  return { session, streaming: () => bars.size };
}

/** The real pacer, recording what each request asked it for. */
function recordingPacer(): { pacer: Pacer; asked: PacedRequest[] } {
  const real = createPacer({ maxMarketDataLines: 1 });
  const asked: PacedRequest[] = [];
  return {
    asked,
    pacer: {
      acquire: (req, deadlineAt, signal) => {
        asked.push(req);
        return real.acquire(req, deadlineAt, signal);
      },
      stats: () => real.stats(),
    },
  };
}

describe("head timestamps, histograms, ticks and real-time bars go through IB's pacing", () => {
  it("historical ticks, head timestamps and histograms are paced as historical data", async () => {
    const ib = fakeIb();
    const { pacer, asked } = recordingPacer();
    const client = createIbClient(() => ib.session, pacer);
    await client.historicalTicks(
      aapl,
      { start: "", end: "20260101-00:00:00", count: 10, whatToShow: "BID_ASK", useRth: true },
      scope(),
    );
    await client.headTimestamp(aapl, "TRADES", true, scope());
    await client.histogram(aapl, { count: 1, unit: "week" }, true, scope());
    assert.deepEqual(
      asked.map((r) => r.kind),
      ["historical", "historical", "historical"],
    );
    assert.equal((asked[0] as { weight?: number }).weight, 2, "IB counts BID_ASK twice");
  });

  it("the 61st historical request within ten minutes waits past a short deadline: RATE_LIMITED", async () => {
    const ib = fakeIb();
    const client = createIbClient(() => ib.session, createPacer({ maxMarketDataLines: 1 }));
    // distinct contracts and ends: only the ten-minute budget applies
    for (let k = 0; k < 60; k++)
      await client.historicalTicks(
        { ...aapl, conId: 1000 + k },
        {
          start: `20260101-00:00:${String(k % 60).padStart(2, "0")}`,
          end: "",
          count: 1,
          whatToShow: "TRADES",
          useRth: true,
        },
        scope(),
      );
    await assert.rejects(
      client.headTimestamp({ ...aapl, conId: 5000 }, "TRADES", true, scope(500)),
      (e: unknown) => e instanceof IbMcpError && e.code === "RATE_LIMITED",
    );
  });

  it("real-time bars hold a market data line while they run and cancel the stream after N bars", async () => {
    const ib = fakeIb();
    const pacer = createPacer({ maxMarketDataLines: 1 });
    const client = createIbClient(() => ib.session, pacer);
    const running = client.realtimeBars(
      aapl,
      { whatToShow: "TRADES", useRth: false, count: 3, untilMs: Date.now() + 2_000 },
      scope(),
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(pacer.stats().marketDataLinesInUse, 1);
    const bars = await running;
    assert.equal(bars.length, 3);
    assert.equal(ib.streaming(), 0, "cancelled once the bars arrived");
    assert.equal(pacer.stats().marketDataLinesInUse, 0, "the line is free again");
  });
});
