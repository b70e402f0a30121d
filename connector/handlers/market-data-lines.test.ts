/**
 * Market data lines are a shared, limited resource: snapshots beyond IB_MAX_MARKET_DATA_LINES wait for a line
 * or get RATE_LIMITED, IB never sees more than the limit (no error 101), and "auto" falls back to delayed data.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { IbMcpError } from "../../shared/errors.ts";
import {
  chainSpecs,
  chainStrikes,
  findInstrument,
  optionChainParams,
  type Simulator,
  startSimulator,
} from "../../sim/index.ts";
import { DELAYED_BY_MS, quotedBetween } from "../../sim/testing/live-market.ts";
import { liveQuote } from "../../sim/universe/live-price.ts";
import type { ConnectorHandle } from "../connector.ts";
import { testConnector, waitFor } from "../test-support.ts";

const symbols = ["AAPL", "MSFT", "IBM", "SPY", "QQQ", "AMZN", "GOOGL", "NVDA", "TSLA", "META"];
const LATENCY_MS = 400;

type QuoteOut = { quotes: Array<Record<string, unknown>>; failures: unknown[] };

describe("market data lines", { timeout: 30_000 }, () => {
  let sim: Simulator;
  let connector: ConnectorHandle;
  let delayedSim: Simulator;
  let delayedConnector: ConnectorHandle;

  const quote = (c: ConnectorHandle, args: Record<string, unknown>, timeoutMs = 10_000) =>
    c.dispatcher("get_quote", args, { requestId: "lines", timeoutMs }) as Promise<QuoteOut>;

  before(async () => {
    sim = await startSimulator({ port: 0, maxMarketDataLines: 2 });
    connector = await testConnector(sim.port, {
      IB_MAX_MARKET_DATA_LINES: "2",
      IB_MAX_MESSAGES_PER_SEC: "50",
    });
    delayedSim = await startSimulator({ port: 0, liveDataPermission: false });
    delayedConnector = await testConnector(delayedSim.port, { IB_CLIENT_ID: "3" });
    await Promise.all([connector.ready(5_000), delayedConnector.ready(5_000)]);
    for (const s of symbols) assert.ok(findInstrument(s, "STK"), `${s} is in the simulator's universe`);
    // resolve every contract once, so the timing below measures snapshots only
    const warm = await quote(connector, { symbols });
    assert.equal(warm.quotes.length, symbols.length);
  });
  after(async () => {
    sim?.setLatency(0);
    await connector?.close();
    await delayedConnector?.close();
    await sim?.close();
    await delayedSim?.close();
  });

  it("10 concurrent quotes on 2 lines all succeed by waiting, in waves, and IB never refuses a line", async () => {
    sim.resetStats();
    sim.setLatency(LATENCY_MS);
    const t0 = Date.now();
    const outs = await Promise.all(symbols.map((s) => quote(connector, { symbols: [s] })));
    const elapsed = Date.now() - t0;
    sim.setLatency(0);
    outs.forEach((o, k) => {
      const i = findInstrument(symbols[k]!, "STK")!;
      assert.ok(
        quotedBetween(o.quotes[0]?.last as number, i, "last", t0),
        `${symbols[k]} ${o.quotes[0]?.last}`,
      );
    });
    assert.equal(sim.stats().errorsSent["101"] ?? 0, 0);
    assert.equal(sim.stats().requests.reqMktData, symbols.length);
    // two lines, ten snapshots of at least LATENCY_MS each: five waves, not one
    assert.ok(elapsed >= 4 * LATENCY_MS, `took ${elapsed} ms; snapshots did not wait for lines`);
  });

  it("with a short deadline the quotes beyond the lines get RATE_LIMITED with retryAfterMs", async () => {
    sim.resetStats();
    sim.setLatency(LATENCY_MS);
    const settled = await Promise.allSettled(symbols.map((s) => quote(connector, { symbols: [s] }, 1_000)));
    sim.setLatency(0);
    const ok = settled.filter((s) => s.status === "fulfilled");
    const limited = settled.flatMap((s) => (s.status === "rejected" ? [s.reason] : []));
    assert.ok(ok.length >= 2, `at least one wave succeeds (${ok.length})`);
    assert.ok(limited.length >= 1, "some quotes could not get a line in time");
    for (const err of limited) {
      assert.ok(err instanceof IbMcpError, String(err));
      assert.equal(err.code, "RATE_LIMITED", err.message);
      assert.ok((err.retryAfterMs ?? 0) > 0, "says when to retry");
      assert.match(err.message, /market data lines/);
    }
    assert.equal(sim.stats().errorsSent["101"] ?? 0, 0);
  });

  it("option quotes stream on at most 2 lines at once, and every stream is cancelled", async () => {
    const aapl = findInstrument("AAPL", "STK")!;
    const expiry = optionChainParams("AAPL", aapl.conId)[0]!.expirations[0]!;
    const strikes = chainStrikes(aapl, chainSpecs.AAPL!).slice(0, 10);
    sim.resetStats();
    const out = (await connector.dispatcher(
      "get_option_quotes",
      { symbol: "AAPL", expiry, right: "C", strikes },
      { requestId: "lines", timeoutMs: 15_000 },
    )) as QuoteOut;
    assert.deepEqual(out.failures, []);
    assert.equal(out.quotes.length, strikes.length);
    // the last cancel may still be on its way to the simulator
    await waitFor(
      () => sim.stats().requests.cancelMktData === strikes.length,
      2_000,
      "every stream's cancel",
    );
    const stats = sim.stats();
    // the simulator counts streams against its 2 lines and answers 101 beyond them
    assert.equal(stats.errorsSent["101"] ?? 0, 0);
    assert.equal(stats.requests.reqMktData, strikes.length);
  });

  it("auto falls back to delayed data without live permission, and live alone is refused clearly", async () => {
    const aapl = findInstrument("AAPL", "STK")!;
    const t0 = Date.now();
    const out = await quote(delayedConnector, { symbols: ["AAPL"] });
    assert.equal(out.quotes[0]?.dataType, "delayed");
    assert.ok(quotedBetween(out.quotes[0]?.bid as number, aapl, "bid", t0, Date.now(), DELAYED_BY_MS));
    assert.equal(out.quotes[0]?.close, liveQuote(aapl, t0 - DELAYED_BY_MS).close);
    const frozen = await quote(delayedConnector, { symbols: ["AAPL"], market_data_type: "delayed-frozen" });
    assert.equal(frozen.quotes[0]?.dataType, "delayed-frozen");
    await assert.rejects(
      quote(delayedConnector, { symbols: ["AAPL"], market_data_type: "live" }),
      (e: unknown) => {
        assert.ok(e instanceof IbMcpError);
        assert.equal(e.code, "NO_MARKET_DATA_PERMISSION", e.message);
        assert.match(e.message, /AAPL/);
        return true;
      },
    );
  });
});
