import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { catalogue, findTool } from "./index.ts";

describe("tool catalogue", () => {
  it("has unique snake_case names and a file per tool", () => {
    const names = catalogue.map((t) => t.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.match(n, /^[a-z][a-z_]+$/);
  });

  it("keeps the ten tool names of the Python ib-mcp server", () => {
    for (const n of [
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
    ]) {
      assert.ok(findTool(n), `${n} is missing`);
    }
  });

  it("gives every tool a flat object input schema (no root anyOf/oneOf) and annotations with a title", () => {
    for (const t of catalogue) {
      const json = z.toJSONSchema(t.input, { io: "input" }) as Record<string, unknown>;
      assert.equal(json.type, "object", t.name);
      assert.equal(json.anyOf, undefined, t.name);
      assert.equal(json.oneOf, undefined, t.name);
      const out = z.toJSONSchema(t.output) as Record<string, unknown>;
      assert.equal(out.type, "object", t.name);
      assert.equal(t.annotations.title, t.title);
      assert.equal(typeof t.annotations.readOnlyHint, "boolean");
      assert.ok(t.description.length > 40, `${t.name} needs a description written for an agent`);
    }
  });

  it("applies the Python server's defaults to get_historical_data", () => {
    const args = findTool("get_historical_data")!.input.parse({ symbol: "AAPL" });
    assert.deepEqual(args, {
      symbol: "AAPL",
      sec_type: "STK",
      exchange: "SMART",
      currency: "USD",
      duration: "1 M",
      bar_size: "1 day",
      data_type: "TRADES",
      max_bars: 20,
      use_rth: true,
    });
  });

  it("refuses absurd durations, bad bar sizes and wrong types with a message naming the field", () => {
    const input = findTool("get_historical_data")!.input;
    for (const bad of [
      { symbol: "AAPL", duration: "500 Y" },
      { symbol: "AAPL", duration: "one month" },
      { symbol: "AAPL", bar_size: "7 mins" },
      { symbol: 42 },
      {},
    ]) {
      const r = input.safeParse(bad);
      assert.equal(r.success, false, JSON.stringify(bad));
      assert.ok(r.error?.issues[0]?.path.length, "the issue names a field");
    }
  });
});
