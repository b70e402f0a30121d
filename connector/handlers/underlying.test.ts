/** Tools that take an underlying find its security type and exchange when the agent gives none. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { IbMcpError } from "../../shared/errors.ts";
import { findInstrument, type Simulator, startSimulator } from "../../sim/index.ts";
import type { ConnectorHandle } from "../connector.ts";
import { testConnector } from "../test-support.ts";

type Contract = { conId: number; secType: string };
type QuoteOut = { quotes: Array<{ contract: Contract }>; failures: Array<{ symbol: string; code: string }> };

describe("guessing the underlying's security type", { timeout: 30_000 }, () => {
  let sim: Simulator;
  let connector: ConnectorHandle;
  const call = <T>(tool: string, args: unknown) =>
    connector.dispatcher(tool, args, { requestId: "guess", timeoutMs: 10_000 }) as Promise<T>;

  before(async () => {
    sim = await startSimulator({ port: 0 });
    connector = await testConnector(sim.port, { IB_CLIENT_ID: "9" });
    await connector.ready(5_000);
  });
  after(async () => {
    await connector?.close();
    await sim?.close();
  });

  it("get_option_chain takes the index IB lists, else the stock", async () => {
    const spx = await call<{ underlying: Contract }>("get_option_chain", { symbol: "SPX" });
    assert.equal(spx.underlying.conId, findInstrument("SPX", "IND")!.conId);
    const aapl = await call<{ underlying: Contract; chains: unknown[] }>("get_option_chain", {
      symbol: "AAPL",
    });
    assert.equal(aapl.underlying.conId, findInstrument("AAPL", "STK")!.conId);
    assert.ok(aapl.chains.length > 0);
    const given = await call<{ underlying: Contract }>("get_option_chain", {
      symbol: "AAPL",
      sec_type: "STK",
    });
    assert.equal(given.underlying.conId, aapl.underlying.conId);
  });

  it("get_quote takes indices, stocks, forex pairs, coins and futures by their symbol alone", async () => {
    const out = await call<QuoteOut>("get_quote", { symbols: ["VIX", "MSFT", "EUR.USD", "BTC", "ES"] });
    assert.deepEqual(out.failures, []);
    assert.deepEqual(
      out.quotes.map((q) => q.contract.secType),
      ["IND", "STK", "CASH", "CRYPTO", "FUT"],
    );
  });

  it("get_index_quote finds an index's exchange (RUT is on RUSSELL, NDX on NASDAQ)", async () => {
    for (const symbol of ["RUT", "NDX"]) {
      const out = await call<{ quote: { contract: Contract } }>("get_index_quote", { symbol });
      assert.equal(out.quote.contract.conId, findInstrument(symbol, "IND")!.conId, symbol);
    }
  });

  it("an unknown symbol is NOT_FOUND naming what was tried, and IB is asked once per guess", async () => {
    const attempt = () =>
      assert.rejects(call("get_option_chain", { symbol: "ZZQQX" }), (e: unknown) => {
        assert.ok(e instanceof IbMcpError);
        assert.equal(e.code, "NOT_FOUND");
        assert.match(e.message, /IND, STK named ZZQQX/);
        return true;
      });
    sim.resetStats();
    await attempt();
    await attempt();
    assert.equal(
      sim.stats().requests.reqContractDetails,
      2,
      "an index lookup and a stock lookup, remembered",
    );
  });
});
