import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { IbMcpError } from "../shared/errors.ts";
import { findTool } from "../shared/tools/index.ts";
import {
  findInstrument,
  initialPositions,
  NEWS_PROVIDERS,
  type Simulator,
  startSimulator,
} from "../sim/index.ts";
import type { ConnectorHandle } from "./connector.ts";
import { testConnector } from "./test-support.ts";

const ctx = (timeoutMs = 10_000) => ({ requestId: "test", timeoutMs });

describe("connector against the simulator", () => {
  let sim: Simulator;
  let connector: ConnectorHandle;
  const aapl = findInstrument("AAPL", "STK")!;
  const msft = findInstrument("MSFT", "STK")!;

  /** Calls a tool and checks the result against the catalogue's output schema. */
  async function call(tool: string, args: unknown): Promise<Record<string, unknown>> {
    const out = await connector.dispatcher(tool, args, ctx());
    const parsed = findTool(tool)!.output.safeParse(out);
    assert.ok(parsed.success, `${tool} output does not match its schema: ${parsed.error?.message}`);
    return out as Record<string, unknown>;
  }

  before(async () => {
    sim = await startSimulator({ port: 0 });
    connector = await testConnector(sim.port);
    await connector.ready(5_000);
  });
  after(async () => {
    await connector?.close();
    await sim?.close();
  });

  it("reports ready with the simulator's accounts and server version", async () => {
    const s = await call("get_connection_status", {});
    assert.equal(s.state, "ready");
    assert.deepEqual(s.accounts, [...sim.accounts]);
    assert.equal(s.serverVersion, sim.serverVersion);
    assert.equal(s.port, sim.port);
  });

  it("lookup_contract and ticker_to_conid resolve AAPL as the universe defines it", async () => {
    const l = (await call("lookup_contract", { symbol: "AAPL" })) as {
      contracts: Array<Record<string, unknown>>;
    };
    assert.equal(l.contracts[0]?.conId, aapl.conId);
    assert.equal(l.contracts[0]?.primaryExchange, aapl.primaryExchange);
    const t = await call("ticker_to_conid", { symbol: "aapl" });
    assert.equal(t.conId, aapl.conId);
  });

  it("resolves a numeric symbol as a conId", async () => {
    const l = (await call("lookup_contract", { symbol: String(msft.conId) })) as {
      contracts: Array<{ symbol: string }>;
    };
    assert.equal(l.contracts[0]?.symbol, "MSFT");
  });

  it("get_contract_details returns the long name and industry", async () => {
    const d = (await call("get_contract_details", { symbol: "MSFT" })) as {
      details: Array<{ longName?: string; industry?: string; contract: { conId: number } }>;
    };
    assert.equal(d.details[0]?.contract.conId, msft.conId);
    assert.equal(d.details[0]?.longName, msft.longName);
    assert.equal(d.details[0]?.industry, msft.industry);
  });

  it("search_contracts finds AAPL by prefix", async () => {
    const s = (await call("search_contracts", { pattern: "AAP" })) as { matches: Array<{ conId: number }> };
    assert.ok(s.matches.some((m) => m.conId === aapl.conId));
  });

  it("get_historical_data returns at most max_bars daily bars", async () => {
    const h = (await call("get_historical_data", { symbol: "AAPL", max_bars: 5 })) as {
      bars: Array<{ time: string; high: number; low: number }>;
      totalBars: number;
      contract: { conId: number };
    };
    assert.equal(h.contract.conId, aapl.conId);
    assert.equal(h.bars.length, 5);
    assert.ok(h.totalBars >= 5);
    for (const b of h.bars) {
      assert.match(b.time, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(b.high >= b.low);
    }
  });

  it("get_fundamental_data returns the report's XML", async () => {
    const f = (await call("get_fundamental_data", { symbol: "AAPL", report_type: "ReportSnapshot" })) as {
      xml: string;
    };
    assert.match(f.xml, /^<\?xml/);
  });

  it("get_historical_news and get_article return headlines and the article text", async () => {
    const end = new Date().toISOString().slice(0, 10);
    const n = (await call("get_historical_news", {
      symbol: "AAPL",
      start_date: "2000-01-01",
      end_date: end,
      max_count: 4,
    })) as { articles: Array<{ articleId: string; providerCode: string; time: string }> };
    assert.equal(n.articles.length, 4);
    const codes = NEWS_PROVIDERS.map((p) => p.providerCode as string);
    for (const a of n.articles) assert.ok(codes.includes(a.providerCode), a.providerCode);
    const times = n.articles.map((a) => a.time);
    assert.deepEqual([...times].sort().reverse(), times, "newest first");
    const first = n.articles[0]!;
    const art = await call("get_article", { articleId: first.articleId, providerCode: first.providerCode });
    assert.equal(art.articleType, "text");
    assert.ok(String(art.text).includes("AAPL"));
  });

  it("get_account_summary and get_positions match the simulated book", async () => {
    const s = (await call("get_account_summary", {})) as {
      accounts: Array<{ account: string; values: Array<{ tag: string; value: string }> }>;
    };
    assert.deepEqual(
      s.accounts.map((a) => a.account),
      [...sim.accounts],
    );
    assert.ok(s.accounts[0]?.values.some((v) => v.tag === "NetLiquidation" && Number(v.value) > 0));
    const p = (await call("get_positions", {})) as {
      positions: Array<{ contract: { conId: number }; position: number; avgCost: number }>;
    };
    const book = initialPositions();
    assert.equal(p.positions.length, book.length * sim.accounts.length);
    for (const want of book) {
      const got = p.positions.find((x) => x.contract.conId === want.instrument.conId);
      assert.ok(got, want.instrument.symbol);
      assert.equal(got.position, want.quantity);
      assert.equal(got.avgCost, want.avgCost);
    }
  });

  it("refuses an account it does not manage, naming the managed ones", async () => {
    await assert.rejects(
      connector.dispatcher("get_positions", { account: "U999" }, ctx()),
      (e: IbMcpError) =>
        e.code === "NOT_FOUND" && e.message.includes("U999") && e.message.includes(sim.accounts[0]!),
    );
  });

  it("answers NOT_FOUND naming an unknown symbol", async () => {
    for (const tool of ["lookup_contract", "get_historical_data"]) {
      await assert.rejects(connector.dispatcher(tool, { symbol: "AAPLX" }, ctx()), (e: unknown) => {
        assert.ok(e instanceof IbMcpError);
        assert.equal(e.code, "NOT_FOUND");
        assert.match(e.message, /No security definition for AAPLX \(STK on SMART, USD\)/);
        return true;
      });
    }
  });

  it("sends 64 concurrent identical lookups to IB as one request, and answers repeats from cache", async () => {
    sim.resetStats();
    const calls = Array.from({ length: 64 }, () => call("lookup_contract", { symbol: "SPY" }));
    const results = await Promise.all(calls);
    assert.equal(new Set(results.map((r) => JSON.stringify(r))).size, 1);
    await call("ticker_to_conid", { symbol: "SPY" });
    await call("get_contract_details", { symbol: "spy" });
    assert.equal(sim.stats().requests.reqContractDetails, 1);
  });

  it("sends 64 concurrent identical historical requests as one, and repeats inside 15 s from the first result", async () => {
    await call("lookup_contract", { symbol: "QQQ" });
    sim.resetStats();
    const args = { symbol: "QQQ", duration: "5 D", bar_size: "1 hour" };
    const results = await Promise.all(Array.from({ length: 64 }, () => call("get_historical_data", args)));
    assert.equal(new Set(results.map((r) => JSON.stringify(r))).size, 1);
    await call("get_historical_data", { ...args, max_bars: 3 });
    const stats = sim.stats();
    assert.equal(stats.requests.reqHistoricalData, 1);
    assert.equal(stats.errorsSent["162"], undefined, "no pacing violation");
  });
});
