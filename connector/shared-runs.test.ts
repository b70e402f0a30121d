import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { IbMcpError } from "../shared/errors.ts";
import { type Simulator, startSimulator } from "../sim/index.ts";
import type { ConnectorHandle } from "./connector.ts";
import { testConnector } from "./test-support.ts";

/** Every IB reply is this late, so a short caller's deadline passes while the shared IB request is in flight. */
const LATENCY_MS = 600;
const SHORT_MS = 200;
const LONG_MS = 15_000;

const ctx = (timeoutMs: number) => ({ requestId: "shared-run", timeoutMs });

/**
 * Each cache shares one IB request between identical requests. Two tool calls that differ (so the dispatcher
 * does not coalesce them) but need the same cached request: the first with a deadline shorter than IB's reply,
 * the second with plenty. The first must time out; the second must get IB's answer, not the first one's TIMEOUT.
 */
describe("a shared IB request outlives its first caller's deadline", () => {
  let sim: Simulator;
  let connector: ConnectorHandle;

  before(async () => {
    sim = await startSimulator({ port: 0 });
    connector = await testConnector(sim.port);
    await connector.ready(10_000);
  });
  after(async () => {
    await connector?.close();
    await sim?.close();
  });

  async function shortThenLong(
    first: [string, unknown],
    second: [string, unknown],
  ): Promise<Record<string, unknown>> {
    sim.setLatency(LATENCY_MS);
    try {
      const a = connector.dispatcher(first[0], first[1], ctx(SHORT_MS));
      const b = connector.dispatcher(second[0], second[1], ctx(LONG_MS));
      await assert.rejects(
        a,
        (e: IbMcpError) => e.code === "TIMEOUT",
        "the short caller leaves at its deadline",
      );
      return (await b) as Record<string, unknown>;
    } finally {
      sim.setLatency(0);
    }
  }

  it("the contract cache", async () => {
    const out = await shortThenLong(
      ["lookup_contract", { symbol: "MSFT" }],
      ["get_contract_details", { symbol: "MSFT" }],
    );
    const details = out.details as Array<{ contract: { symbol: string } }>;
    assert.equal(details[0]?.contract.symbol, "MSFT");
  });

  it("the historical cache", async () => {
    await connector.dispatcher("lookup_contract", { symbol: "AAPL" }, ctx(LONG_MS)); // the contract is cached first
    const out = await shortThenLong(
      ["get_historical_data", { symbol: "AAPL", duration: "5 D", max_bars: 3 }],
      ["get_historical_data", { symbol: "AAPL", duration: "5 D", max_bars: 4 }],
    );
    assert.equal((out.bars as unknown[]).length, 4);
  });

  it("the market data snapshot cache", async () => {
    await connector.dispatcher("lookup_contract", { symbol: "IBM" }, ctx(LONG_MS));
    const out = await shortThenLong(
      ["get_quote", { symbols: ["IBM"], market_data_type: "delayed" }],
      ["get_quote", { symbols: ["ibm"], market_data_type: "delayed" }],
    );
    assert.deepEqual(out.failures, []);
    assert.equal((out.quotes as Array<{ contract: { symbol: string } }>)[0]?.contract.symbol, "IBM");
  });
});
