/**
 * What people ask an IB agent about time and history, through every real process: the MCP SDK client →
 * gateway process → nats-server → connector process → simulator process, the simulator's clock set to a
 * chosen day (Thanksgiving 2026; the replay of the sample file's day).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { parseReplayCsv } from "../sim/market/replay-csv.ts";
import { mcpClient, type NatsStack, startNatsStack, textOf } from "./support/stack.ts";

type Row = Record<string, unknown>;
type Result = { isError?: boolean; structuredContent?: Row };

/** Starts a stack whose simulator runs with `simArgs`; returns a caller of its tools. */
function journeyStack(clientId: string, simArgs: string[]) {
  let stack: NatsStack | undefined;
  let client: Client | undefined;
  return {
    async start() {
      stack = await startNatsStack({ clientId, simArgs });
      client = await mcpClient(`${stack.gateways[0]?.base}/mcp`);
    },
    async stop() {
      await client?.close();
      await stack?.stop();
    },
    async call(name: string, args: Row): Promise<Result & { text: string }> {
      const r = (await client!.callTool({ name, arguments: args })) as Result;
      return { ...r, text: textOf(r) };
    },
    /** A call that must answer usefully. */
    async ok<T = Row>(name: string, args: Row): Promise<T> {
      const r = await this.call(name, args);
      assert.notEqual(r.isError, true, `${name}: ${r.text}`);
      return r.structuredContent as T;
    },
  };
}

type Bar = { time: string; close: number };
type Day = { date: string; closed: boolean; sessions: Array<{ open: string; close: string }> };
const weekday = (ymd: string) => new Date(`${ymd}T12:00:00Z`).getUTCDay();

describe("agent journeys on Thanksgiving 2026 (the simulator's clock at noon New York time)", {
  timeout: 120_000,
}, () => {
  const j = journeyStack("41", ["--replay-start", "2026-11-26 12:00:00"]);
  before(() => j.start());
  after(() => j.stop());

  it("is the market open today, on Thanksgiving? closed, and it closes early tomorrow", async () => {
    const h = await j.ok<{ tradingHours: Day[]; liquidHours: Day[] }>("get_trading_hours", {
      symbol: "AAPL",
    });
    assert.deepEqual(h.liquidHours[0], { date: "2026-11-26", closed: true, sessions: [] });
    assert.equal(h.tradingHours[0]?.closed, true);
    assert.deepEqual(h.liquidHours[1]?.sessions, [{ open: "2026-11-27T09:30", close: "2026-11-27T13:00" }]);
    const btc = await j.ok<{ liquidHours: Day[] }>("get_trading_hours", {
      symbol: "BTC",
      sec_type: "CRYPTO",
      exchange: "PAXOS",
    });
    assert.equal(btc.liquidHours[0]?.closed, false, "crypto trades on the holiday");
  });

  it("the last week of AAPL daily bars has no holiday, and the quote continues the last bar", async () => {
    const d = await j.ok<{ bars: Bar[] }>("get_historical_data", {
      symbol: "AAPL",
      duration: "1 W",
      bar_size: "1 day",
      use_rth: false,
    });
    assert.deepEqual(
      d.bars.map((b) => b.time),
      ["2026-11-19", "2026-11-20", "2026-11-23", "2026-11-24", "2026-11-25"],
    );
    const q = await j.ok<{ quotes: Row[] }>("get_quote", { symbols: ["AAPL"] });
    assert.equal(
      q.quotes[0]?.last,
      d.bars.at(-1)?.close,
      "the market is closed: last is the last bar's close",
    );
  });

  it("weekly bars end on Fridays (the current week on its latest trading day)", async () => {
    const w = await j.ok<{ bars: Bar[] }>("get_historical_data", {
      symbol: "MSFT",
      duration: "3 M",
      bar_size: "1 week",
    });
    assert.ok(w.bars.length >= 12, `${w.bars.length} weekly bars`);
    for (const b of w.bars.slice(0, -1)) assert.equal(weekday(b.time), 5, `${b.time} is a Friday`);
    assert.equal(w.bars.at(-1)?.time, "2026-11-25", "this week so far ends on Wednesday");
  });

  it("an article id that does not exist is NOT_FOUND, naming the id", async () => {
    const r = await j.call("get_article", { providerCode: "BRFG", articleId: "BRFG$00000000" });
    assert.equal(r.isError, true);
    assert.match(r.text, /NOT_FOUND/);
    assert.match(r.text, /BRFG\$00000000/);
    assert.doesNotMatch(r.text, /bug in ib-mcp/);
  });

  it("option quotes asked with the default (delayed) say delayed, not live", async () => {
    const chain = await j.ok<{ chains: Array<{ expirations: string[]; strikes: number[] }> }>(
      "get_option_chain",
      {
        symbol: "AAPL",
        sec_type: "STK",
        exchange: "SMART",
      },
    );
    const c = chain.chains[0]!;
    const strike = c.strikes[Math.floor(c.strikes.length / 2)]!;
    const r = await j.call("get_option_quotes", {
      symbol: "AAPL",
      expiry: c.expirations[0],
      right: "C",
      strikes: [strike],
    });
    assert.notEqual(r.isError, true, r.text);
    const quotes = (r.structuredContent?.quotes ?? []) as Row[];
    assert.equal(quotes[0]?.dataType, "delayed-frozen");
    assert.doesNotMatch(r.text, /\(live\)/);
  });
});

describe("agent journeys on a replayed day (sim/replay-sample/AAPL.csv from 10:00 New York time)", {
  timeout: 120_000,
}, () => {
  const dir = fileURLToPath(new URL("../sim/replay-sample/", import.meta.url));
  const rows = parseReplayCsv(readFileSync(`${dir}AAPL.csv`, "utf8"), "AAPL.csv", "US/Eastern").rows;
  const j = journeyStack("42", ["--replay", dir, "--replay-start", "2026-11-27 10:00:00"]);
  before(() => j.start());
  after(() => j.stop());

  it("the morning's 5-minute AAPL bars are the file's, and the quote follows it", async () => {
    const d = await j.ok<{ bars: Array<Bar & { open: number; high: number }> }>("get_historical_data", {
      symbol: "AAPL",
      duration: "1 D",
      bar_size: "5 mins",
      max_bars: 100,
    });
    assert.ok(d.bars.length >= 6, `${d.bars.length} bars since 09:30`);
    assert.equal(d.bars[0]?.open, rows[0]?.open);
    assert.equal(d.bars[0]?.high, Math.max(...rows.slice(0, 5).map((r) => r.high)));
    assert.equal(d.bars[0]?.close, rows[4]?.close);
    const q = await j.ok<{ quotes: Row[] }>("get_quote", { symbols: ["AAPL"] });
    const last = q.quotes[0]?.last as number;
    const seen = rows.slice(29, 40).flatMap((r) => [r.open, r.close, r.low, r.high]);
    assert.ok(
      last >= Math.min(...seen) - 0.01 && last <= Math.max(...seen) + 0.01,
      `last ${last} is where the file is at 10:00`,
    );
    assert.equal(q.quotes[0]?.open, rows[0]?.open, "the day opened at the file's first price");
  });

  it("is the market open now? yes, until the half day's 13:00 close", async () => {
    const h = await j.ok<{ liquidHours: Day[] }>("get_trading_hours", { symbol: "AAPL" });
    assert.deepEqual(h.liquidHours[0], {
      date: "2026-11-27",
      closed: false,
      sessions: [{ open: "2026-11-27T09:30", close: "2026-11-27T13:00" }],
    });
  });
});
