/**
 * MCP resources and prompts, IB's option calculators and portfolio greeks through a real gateway process → NATS →
 * connector → simulator, as the MCP SDK client sees them.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { findInstrument, initialPositions, optionChainParams } from "../sim/index.ts";
import { optionBook } from "../sim/universe/option-book.ts";
import { mcpClient, type NatsStack, startNatsStack, textOf } from "./support/stack.ts";

type Row = Record<string, unknown>;
type ToolResult = { isError?: boolean; structuredContent?: Row; content?: unknown };
type Calc = { contract: { conId: number; right: string; strike: number }; greeks: Record<string, number> };

describe("resources, prompts and option calculators end to end (gateway → NATS → connector → simulator)", {
  timeout: 90_000,
}, () => {
  let stack: NatsStack;
  let client: Client;
  const aapl = findInstrument("AAPL", "STK")!;

  /** The JSON a resource read returns. */
  const readJson = async (uri: string) => {
    const r = await client.readResource({ uri });
    assert.equal(r.contents.length, 1, `${uri} has one content`);
    const c = r.contents[0] as { uri: string; mimeType?: string; text?: string };
    assert.equal(c.uri, uri);
    assert.equal(c.mimeType, "application/json");
    return JSON.parse(c.text ?? "") as Row;
  };
  /** The McpError a read or prompt refuses with. */
  const refusal = async (work: Promise<unknown>): Promise<McpError> => {
    try {
      await work;
    } catch (err) {
      assert.ok(err instanceof McpError, `an MCP error, got ${String(err)}`);
      return err;
    }
    assert.fail("expected a refusal");
  };

  const call = async (name: string, args: Row) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;
  const ok = async <T>(name: string, args: Row): Promise<T> => {
    const r = await call(name, args);
    assert.notEqual(r.isError, true, `${name}: ${textOf(r)}`);
    return r.structuredContent as T;
  };
  const refused = async (name: string, args: Row): Promise<string> => {
    const r = await call(name, args);
    assert.equal(r.isError, true, `${name} refuses ${JSON.stringify(args)}`);
    return textOf(r);
  };
  /** An at-the-money AAPL option a few expiries out, as the simulator lists it. */
  const atm = (right: "C" | "P") => {
    const row = optionChainParams("AAPL", aapl.conId).find((p) => p.exchange === "SMART")!;
    const strike = [...row.strikes].sort((a, b) => Math.abs(a - aapl.price) - Math.abs(b - aapl.price))[0]!;
    return { symbol: "AAPL", expiry: [...row.expirations].sort()[2]!, strike, right };
  };

  before(async () => {
    // the simulator's option book: the default account holds no options, and option orders are another tool's work
    stack = await startNatsStack({ clientId: "47", simArgs: ["--option-book"] });
    client = await mcpClient(`${stack.gateways[0]!.base}/mcp?toolsets=all`);
  });
  after(async () => {
    await client?.close();
    await stack?.stop();
  });

  it("announces resources and prompts without listChanged or subscribe (no stream to send them on)", () => {
    const caps = client.getServerCapabilities();
    assert.deepEqual(caps?.resources, {});
    assert.deepEqual(caps?.prompts, {});
  });

  it("lists the account resources and the contract template", async () => {
    const { resources } = await client.listResources();
    assert.deepEqual(resources.map((r) => r.uri).sort(), [
      "ib://account/summary",
      "ib://orders/open",
      "ib://positions",
    ]);
    assert.ok(resources.every((r) => r.mimeType === "application/json" && r.description));
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.deepEqual(
      resourceTemplates.map((t) => t.uriTemplate),
      ["ib://contract/{conId}"],
    );
  });

  it("reads positions, the account summary and open orders from the connector", async () => {
    const positions = (await readJson("ib://positions")).positions as Array<{ contract: { conId: number } }>;
    const held = new Set(initialPositions().map((p) => p.instrument.conId));
    assert.ok(positions.length >= held.size);
    for (const conId of held)
      assert.ok(
        positions.some((p) => p.contract.conId === conId),
        `position in conId ${conId}`,
      );
    const summary = (await readJson("ib://account/summary")).accounts as Array<{
      values: Array<{ tag: string }>;
    }>;
    assert.ok(summary.length > 0);
    assert.ok(summary[0]!.values.some((v) => v.tag === "NetLiquidation"));
    assert.ok(Array.isArray((await readJson("ib://orders/open")).orders));
  });

  it("reads a contract by conId through the template", async () => {
    const out = await readJson(`ib://contract/${aapl.conId}`);
    const details = out.details as Array<{ contract: { conId: number; symbol: string } }>;
    assert.equal(details[0]?.contract.conId, aapl.conId);
    assert.equal(details[0]?.contract.symbol, "AAPL");
  });

  it("refuses a contract URI without a numeric conId, an unknown conId and an unknown URI, clearly", async () => {
    const notNumeric = await refusal(client.readResource({ uri: "ib://contract/AAPL" }));
    assert.equal(notNumeric.code, -32602);
    assert.match(notNumeric.message, /INVALID_ARGUMENT: .*numeric IB conId.*lookup_contract/);
    const unknown = await refusal(client.readResource({ uri: "ib://contract/999999999" }));
    assert.equal(unknown.code, -32002);
    assert.match(unknown.message, /NOT_FOUND/);
    const nowhere = await refusal(client.readResource({ uri: "ib://nothing/here" }));
    assert.equal(nowhere.code, -32602);
    assert.match(nowhere.message, /ib:\/\/nothing\/here not found/);
  });

  it("lists the prompts and fills one in with its arguments", async () => {
    const { prompts } = await client.listPrompts();
    assert.deepEqual(
      prompts.map((p) => p.name),
      ["portfolio_review", "pre_trade_check", "option_chain_scan"],
    );
    const check = prompts.find((p) => p.name === "pre_trade_check")!;
    assert.deepEqual(
      check.arguments?.filter((a) => a.required).map((a) => a.name),
      ["symbol", "action", "quantity"],
    );
    const got = await client.getPrompt({
      name: "pre_trade_check",
      arguments: { symbol: "MSFT", action: "BUY", quantity: "10", limit_price: "400" },
    });
    const text = (got.messages[0]!.content as { text: string }).text;
    assert.match(text, /BUY 10 MSFT at a limit of 400/);
    assert.match(text, /preview_order/);
    assert.match(text, /get_trading_hours/);
  });

  it("refuses a prompt with bad arguments, naming the field", async () => {
    const bad = await refusal(
      client.getPrompt({
        name: "pre_trade_check",
        arguments: { symbol: "MSFT", action: "HOLD", quantity: "10" },
      }),
    );
    assert.equal(bad.code, -32602);
    assert.match(bad.message, /action/);
  });

  it("calculate_option_price prices an option at a chosen volatility with IB's greeks", async () => {
    const option = atm("C");
    const out = await ok<Calc>("calculate_option_price", {
      ...option,
      volatility: 0.3,
      underlying_price: aapl.price,
    });
    assert.ok(out.contract.conId > 0);
    assert.equal(out.contract.right, "C");
    assert.equal(out.contract.strike, option.strike);
    assert.equal(out.greeks.impliedVol, 0.3);
    assert.equal(out.greeks.underlyingPrice, aapl.price);
    assert.ok(out.greeks.modelPrice! > 0 && out.greeks.gamma! > 0 && out.greeks.vega! > 0);
    assert.ok(out.greeks.delta! > 0.3 && out.greeks.delta! < 0.8, `ATM call delta ${out.greeks.delta}`);
    const dearer = await ok<Calc>("calculate_option_price", {
      ...option,
      volatility: 0.5,
      underlying_price: aapl.price,
    });
    assert.ok(dearer.greeks.modelPrice! > out.greeks.modelPrice!, "more volatility, a dearer option");
  });

  it("calculate_implied_volatility solves back the volatility a price came from", async () => {
    const option = atm("P");
    const priced = await ok<Calc>("calculate_option_price", {
      ...option,
      volatility: 0.42,
      underlying_price: aapl.price,
    });
    const out = await ok<Calc>("calculate_implied_volatility", {
      ...option,
      option_price: priced.greeks.modelPrice,
      underlying_price: aapl.price,
    });
    assert.ok(Math.abs(out.greeks.impliedVol! - 0.42) < 0.002, `IV ${out.greeks.impliedVol}`);
    assert.ok(out.greeks.delta! < 0, "a put's delta is negative");
    assert.equal(out.contract.conId, priced.contract.conId);
  });

  it("refuses calculator input clearly: a percentage for a fraction, an unlisted strike, a price no volatility gives", async () => {
    const option = atm("C");
    assert.match(
      await refused("calculate_option_price", { ...option, volatility: 30, underlying_price: aapl.price }),
      /INVALID_ARGUMENT: .*volatility is a fraction/,
    );
    assert.match(
      await refused("calculate_option_price", {
        ...option,
        strike: 1.37,
        volatility: 0.3,
        underlying_price: aapl.price,
      }),
      /NOT_FOUND: .*get_option_chain/,
    );
    assert.match(
      await refused("calculate_implied_volatility", {
        ...option,
        option_price: aapl.price * 3,
        underlying_price: aapl.price,
      }),
      /INVALID_ARGUMENT: .*IB 321/,
    );
  });

  it("get_portfolio_greeks gives each option position's greeks and sums them per underlying with its shares", async () => {
    type Greeks = {
      positions: Array<{
        contract: { conId: number; symbol: string; right: string };
        position: number;
        multiplier: number;
        greeks: Record<string, number>;
        total: Record<string, number>;
      }>;
      underlyings: Array<{ symbol: string; delta: number; gamma: number; shares: number; netDelta: number }>;
      failures: unknown[];
    };
    const out = await ok<Greeks>("get_portfolio_greeks", {});
    assert.deepEqual(out.failures, []);
    const book = optionBook();
    assert.deepEqual(
      out.positions.map((p) => [p.contract.conId, p.position]).sort(),
      book.map((p) => [p.instrument.conId, p.quantity]).sort(),
    );
    for (const p of out.positions) {
      assert.equal(p.multiplier, 100);
      const d = p.greeks.delta!;
      assert.ok(
        p.contract.right === "C" ? d > 0 && d < 1 : d < 0 && d > -1,
        `${p.contract.right} delta ${d}`,
      );
      assert.ok(p.greeks.impliedVol! > 0 && p.greeks.gamma! > 0);
      assert.ok(
        Math.abs(p.total.delta! - d * p.position * 100) < 1e-6,
        "position delta = delta × qty × multiplier",
      );
    }
    const held = new Map(initialPositions().map((p) => [p.instrument.symbol, p.quantity]));
    assert.deepEqual(out.underlyings.map((u) => u.symbol).sort(), ["AAPL", "SPY"]);
    for (const u of out.underlyings) {
      const mine = out.positions.filter((p) => p.contract.symbol === u.symbol);
      const sum = mine.reduce((s, p) => s + p.total.delta!, 0);
      assert.ok(Math.abs(u.delta - sum) < 1e-3, `${u.symbol} options delta ${u.delta} = ${sum}`);
      assert.equal(u.shares, held.get(u.symbol));
      assert.ok(Math.abs(u.netDelta - (sum + u.shares)) < 1e-3);
    }
  });

  it("get_portfolio_greeks refuses an account that is not managed here or not an account id", async () => {
    assert.match(await refused("get_portfolio_greeks", { account: "DU0000000" }), /DU0000000/);
    assert.match(
      await refused("get_portfolio_greeks", { account: "no such!" }),
      /INVALID_ARGUMENT: .*account/,
    );
  });
});
