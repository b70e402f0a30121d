/**
 * MCP resources and prompts, IB's option calculators and portfolio greeks through a real gateway process → NATS →
 * connector → simulator, as the MCP SDK client sees them.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { findInstrument, initialPositions } from "../sim/index.ts";
import { mcpClient, type NatsStack, startNatsStack } from "./support/stack.ts";

type Row = Record<string, unknown>;

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

  before(async () => {
    stack = await startNatsStack({ clientId: "47" });
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
});
