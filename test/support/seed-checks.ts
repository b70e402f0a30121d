import assert from "node:assert/strict";
import { it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { catalogue } from "../../shared/tools/index.ts";
import {
  findInstrument,
  fundamentalXml,
  headlinesFor,
  initialPositions,
  matchSymbols,
  universe,
} from "../../sim/universe/index.ts";
import { textOf } from "./stack.ts";

export const seedTools = [
  "get_account_summary",
  "get_article",
  "get_contract_details",
  "get_fundamental_data",
  "get_historical_data",
  "get_historical_news",
  "get_positions",
  "lookup_contract",
  "search_contracts",
  "ticker_to_conid",
];

type ToolResult = { isError?: boolean; structuredContent?: Record<string, unknown>; content?: unknown };

/**
 * The seed tools' end-to-end checks against the simulator's deterministic universe, registered as `it` blocks in
 * the caller's describe: the same checks run against the gateway on every runtime (Node over TCP or WebSocket,
 * Bun, Deno, workerd). `client` is read when each check runs, so it may be connected in a `before` hook.
 */
export function seedToolChecks(client: () => Client): void {
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client().callTool({ name, arguments: args })) as ToolResult;
  /** Calls a tool that must succeed and returns its structured result. */
  const ok = async <T>(name: string, args: Record<string, unknown>): Promise<T> => {
    const r = await call(name, args);
    assert.notEqual(r.isError, true, `${name}: ${textOf(r)}`);
    assert.ok(r.structuredContent, `${name} returns structuredContent`);
    return r.structuredContent as T;
  };

  it("lists the ten seed tools with input and output schemas and annotations", async () => {
    const { tools } = await client().listTools();
    const names = tools.map((t) => t.name);
    for (const n of seedTools) assert.ok(names.includes(n), `${n} is listed`);
    assert.equal(tools.length, catalogue.filter((t) => t.access === "read").length);
    for (const t of tools) {
      assert.equal(t.inputSchema.type, "object", t.name);
      assert.equal(t.outputSchema?.type, "object", t.name);
      assert.equal(t.annotations?.readOnlyHint, true, t.name);
      assert.ok(t.title, t.name);
    }
    const hist = tools.find((t) => t.name === "get_historical_data")!;
    const props = hist.inputSchema.properties as Record<string, { default?: unknown }>;
    assert.equal(props.duration?.default, "1 M");
    assert.equal(props.bar_size?.default, "1 day");
    assert.equal(props.data_type?.default, "TRADES");
    assert.equal(props.max_bars?.default, 20);
  });

  it("lookup_contract and ticker_to_conid resolve AAPL to IB's real conId", async () => {
    const aapl = findInstrument("AAPL", "STK")!;
    const r = await call("lookup_contract", { symbol: "AAPL" });
    assert.equal(r.isError, undefined, textOf(r));
    const contracts = r.structuredContent?.contracts as Array<Record<string, unknown>>;
    assert.equal(contracts[0]?.conId, aapl.conId);
    assert.equal(contracts[0]?.primaryExchange, aapl.primaryExchange);
    assert.match(textOf(r), new RegExp(String(aapl.conId)));

    const t = await call("ticker_to_conid", { symbol: "msft" });
    assert.equal(t.structuredContent?.conId, findInstrument("MSFT", "STK")!.conId);

    const fut = await call("lookup_contract", { symbol: "ES", sec_type: "FUT", exchange: "CME" });
    const futs = fut.structuredContent?.contracts as Array<{ conId: number }>;
    const expected = universe().instruments.filter((i) => i.symbol === "ES" && i.secType === "FUT");
    assert.deepEqual(futs.map((c) => c.conId).sort(), expected.map((i) => i.conId).sort());
  });

  it("search_contracts returns the simulator's matching symbols", async () => {
    const r = await call("search_contracts", { pattern: "MS" });
    const matches = r.structuredContent?.matches as Array<{ conId: number }>;
    assert.deepEqual(
      matches.map((m) => m.conId),
      matchSymbols("MS").map((i) => i.conId),
    );
  });

  it("get_contract_details returns long name, industry and hours", async () => {
    const ibm = findInstrument("IBM", "STK")!;
    const { details } = await ok<{ details: Array<Record<string, unknown>> }>("get_contract_details", {
      symbol: "IBM",
    });
    const d = details[0]!;
    assert.equal((d.contract as { conId: number }).conId, ibm.conId);
    assert.equal(d.longName, ibm.longName);
    assert.equal(d.industry, ibm.industry);
    assert.equal(d.timeZoneId, ibm.timeZoneId);
    assert.ok(typeof d.tradingHours === "string" && d.tradingHours.length > 0);
  });

  it("get_historical_data returns at most max_bars deterministic daily bars", async () => {
    const args = { symbol: "AAPL", duration: "1 M", bar_size: "1 day", max_bars: 5 };
    type Hist = { totalBars: number; bars: Array<{ time: string; close: number }> };
    const a = await ok<Hist>("get_historical_data", args);
    const bars = a.bars;
    assert.equal(bars.length, 5);
    assert.ok(a.totalBars >= 19, "a month has at least 19 trading days");
    for (const b of bars) assert.match(b.time, /^\d{4}-\d{2}-\d{2}$/);
    const b = await ok<Hist>("get_historical_data", { ...args, max_bars: 10 });
    const again = b.bars.slice(-5);
    assert.deepEqual(again, bars, "the same request gives the same bars");
  });

  it("get_fundamental_data returns the simulator's XML report", async () => {
    const r = await call("get_fundamental_data", { symbol: "AAPL", report_type: "ReportSnapshot" });
    assert.equal(r.isError, undefined, textOf(r));
    const expected = fundamentalXml(findInstrument("AAPL", "STK")!, "ReportSnapshot")!;
    assert.equal(r.structuredContent?.xml, expected);
  });

  it("get_historical_news and get_article return headlines and their text", async () => {
    const aapl = findInstrument("AAPL", "STK")!;
    const now = Date.now();
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const r = await call("get_historical_news", {
      symbol: "AAPL",
      start_date: day(now - 10 * 86_400_000),
      end_date: day(now + 86_400_000),
      max_count: 3,
    });
    assert.equal(r.isError, undefined, textOf(r));
    const articles = r.structuredContent?.articles as Array<{
      articleId: string;
      providerCode: string;
      headline: string;
    }>;
    assert.equal(articles.length, 3);
    const known = headlinesFor(aapl, now);
    assert.equal(articles[0]?.headline, known[0]?.headline);

    const first = articles[0]!;
    const art = await call("get_article", { articleId: first.articleId, providerCode: first.providerCode });
    assert.equal(art.isError, undefined, textOf(art));
    assert.match(art.structuredContent?.text as string, new RegExp(first.headline.slice(0, 20)));
  });

  it("get_account_summary and get_positions report the simulated paper account", async () => {
    const s = await call("get_account_summary", {});
    const accounts = s.structuredContent?.accounts as Array<{
      account: string;
      values: Array<{ tag: string }>;
    }>;
    assert.equal(accounts[0]?.account, "DU1234567");
    const tags = accounts[0]!.values.map((v) => v.tag);
    for (const tag of [
      "NetLiquidation",
      "TotalCashValue",
      "BuyingPower",
      "AvailableFunds",
      "ExcessLiquidity",
    ]) {
      assert.ok(tags.includes(tag), `${tag} is reported`);
    }
    const p = await call("get_positions", { account: "DU1234567" });
    const positions = p.structuredContent?.positions as Array<{
      contract: { conId: number };
      position: number;
    }>;
    const expected = initialPositions();
    assert.equal(positions.length, expected.length);
    for (const e of expected) {
      const got = positions.find((x) => x.contract.conId === e.instrument.conId);
      assert.equal(got?.position, e.quantity, e.instrument.symbol);
    }
  });

  it("answers bad input with a clear isError result for every tool", async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ["lookup_contract", { symbol: 42 }, /symbol/],
      ["ticker_to_conid", {}, /symbol/],
      ["search_contracts", { pattern: "" }, /pattern/],
      ["get_contract_details", { symbol: "AAPL", sec_type: "STOCK" }, /sec_type/],
      ["get_historical_data", { symbol: "AAPL", duration: "500 Y" }, /duration/],
      ["get_historical_data", { symbol: "AAPL", bar_size: "7 mins" }, /bar_size/],
      ["get_fundamental_data", { symbol: "AAPL", report_type: "Everything" }, /report_type/],
      [
        "get_historical_news",
        { symbol: "AAPL", start_date: "yesterday", end_date: "2026-01-01" },
        /start_date/,
      ],
      ["get_article", { articleId: "x" }, /providerCode/],
      ["get_account_summary", { account: "DU 1; DROP" }, /account/],
      ["get_positions", { account: 5 }, /account/],
    ];
    for (const [name, args, field] of cases) {
      const r = await call(name, args).catch((e: Error) => ({
        isError: true,
        content: [{ type: "text", text: e.message }],
      }));
      assert.equal(r.isError, true, `${name} ${JSON.stringify(args)}`);
      assert.match(textOf(r), field, `${name}: ${textOf(r)}`);
    }
  });

  it("names an unknown symbol in a NOT_FOUND result", async () => {
    for (const name of [
      "lookup_contract",
      "get_historical_data",
      "get_fundamental_data",
      "get_contract_details",
    ]) {
      const r = await call(name, { symbol: "ZZZQX" });
      assert.equal(r.isError, true, name);
      assert.match(textOf(r), /NOT_FOUND/, name);
      assert.match(textOf(r), /ZZZQX/, name);
    }
  });
}
