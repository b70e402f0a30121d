/**
 * Account values, FX conversion, head timestamp, histogram, historical ticks and real-time bars end to end:
 * MCP SDK client → gateway process → nats-server → connector process → simulator process.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { mcpClient, type NatsStack, startNatsStack, textOf } from "./support/stack.ts";

type Row = Record<string, unknown>;
type Result = { isError?: boolean; structuredContent?: Row };

describe("history, account and FX tools end to end (MCP → gateway → NATS → connector → simulator)", {
  timeout: 90_000,
}, () => {
  let stack: NatsStack;
  let client: Client;

  const call = async (name: string, args: Row) => {
    const r = (await client.callTool({ name, arguments: args })) as Result;
    return { ...r, text: textOf(r) };
  };
  const ok = async <T = Row>(name: string, args: Row): Promise<T> => {
    const r = await call(name, args);
    assert.notEqual(r.isError, true, `${name}: ${r.text}`);
    return r.structuredContent as T;
  };
  const fails = async (name: string, args: Row, code: string, mentions: RegExp) => {
    const r = await call(name, args);
    assert.equal(r.isError, true, `${name} refuses ${JSON.stringify(args)}`);
    assert.match(r.text, new RegExp(code));
    assert.match(r.text, mentions);
  };

  before(async () => {
    stack = await startNatsStack({ clientId: "41", simArgs: ["--time-scale", "0.02"] });
    client = await mcpClient(`${stack.gateways[0]?.base}/mcp?toolsets=all`);
    const until = Date.now() + 20_000;
    for (;;) {
      const s = await call("get_connection_status", {});
      if (!s.isError && (s.structuredContent as { state?: string }).state === "ready") break;
      assert.ok(Date.now() < until, "the connector reaches IB within 20 s");
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  after(async () => {
    await client?.close();
    await stack?.stop();
  });

  it("get_account_values lists every tag by currency, filtered by prefix and currency", async () => {
    type Out = { account: string; values: Array<{ tag: string; value: string; currency: string }> };
    const all = await ok<Out>("get_account_values", {});
    assert.match(all.account, /^[A-Z0-9]+$/);
    const summary = await ok<{ accounts: Array<{ account: string; values: Array<{ tag: string }> }> }>(
      "get_account_summary",
      { account: all.account },
    );
    const summaryTags = new Set(summary.accounts[0]?.values.map((v) => v.tag));
    assert.ok(
      all.values.some((v) => !summaryTags.has(v.tag)),
      "more tags than the summary's",
    );
    assert.ok(
      all.values.some((v) => v.currency === "BASE"),
      "base-currency rows",
    );
    const cash = await ok<Out>("get_account_values", {
      account: all.account,
      tag_prefix: "cash",
      currency: "base",
    });
    assert.ok(cash.values.length > 0);
    for (const v of cash.values) {
      assert.match(v.tag, /^Cash/);
      assert.equal(v.currency, "BASE");
    }
    await fails("get_account_values", { account: "ZZ999" }, "NOT_FOUND", /managed accounts/);
    await fails("get_account_values", { tag_prefix: "a b" }, "", /tag_prefix/);
  });

  it("get_fx_rate converts directly, through the inverse pair, and across USD", async () => {
    type Out = {
      rate: number;
      converted: number;
      legs: Array<{ pair: string; inverted: boolean; mid: number }>;
    };
    const eurUsd = await ok<Out>("get_fx_rate", { from: "EUR", to: "USD", amount: 100 });
    assert.deepEqual(
      eurUsd.legs.map((l) => [l.pair, l.inverted]),
      [["EUR.USD", false]],
    );
    assert.ok(eurUsd.rate > 0.5 && eurUsd.rate < 2, `EUR.USD near its price: ${eurUsd.rate}`);
    assert.ok(Math.abs(eurUsd.converted - eurUsd.rate * 100) < 1e-6);
    const usdEur = await ok<Out>("get_fx_rate", { from: "usd", to: "eur" });
    assert.deepEqual(
      usdEur.legs.map((l) => [l.pair, l.inverted]),
      [["EUR.USD", true]],
    );
    assert.ok(Math.abs(usdEur.rate - 1 / (usdEur.legs[0]?.mid ?? 0)) < 1e-6);
    const eurJpy = await ok<Out>("get_fx_rate", { from: "EUR", to: "JPY", amount: 2 });
    assert.deepEqual(
      eurJpy.legs.map((l) => l.pair),
      ["EUR.USD", "USD.JPY"],
    );
    assert.ok(eurJpy.rate > 100, `EUR→JPY through USD: ${eurJpy.rate}`);
    await fails("get_fx_rate", { from: "EUR", to: "XYZ" }, "NOT_FOUND", /XYZ/);
    await fails("get_fx_rate", { from: "EURO", to: "USD" }, "", /currency/);
  });
});
