import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findTool } from "./index.ts";

const input = (name: string) => findTool(name)!.input;

describe("issue 8 tool schemas", () => {
  it("leave the underlying's security type and exchange to the option and index tools unless given", () => {
    assert.deepEqual(input("get_option_chain").parse({ symbol: "XSP" }), {
      symbol: "XSP",
      currency: "USD",
      trading_class: "",
      min_strike: 0,
      max_strike: 0,
      max_strikes: 20,
      strike_offset: 0,
    });
    assert.deepEqual(
      input("get_option_quotes").parse({ symbol: "XSP", expiry: "20250117", right: "P", strikes: [500] }),
      {
        symbol: "XSP",
        expiry: "20250117",
        right: "P",
        strikes: [500],
        exchange: "SMART",
        currency: "USD",
        trading_class: "",
        use_delayed: true,
      },
    );
    assert.deepEqual(input("get_index_quote").parse({ symbol: "SPX" }), {
      symbol: "SPX",
      currency: "USD",
      use_delayed: true,
    });
  });

  it("defaults get_quote to automatic live-or-delayed data, leaving the security type to the tool", () => {
    assert.deepEqual(input("get_quote").parse({ symbols: ["AAPL"] }), {
      symbols: ["AAPL"],
      currency: "USD",
      market_data_type: "auto",
    });
  });

  it("refuses oversized lists and malformed values, naming the field", () => {
    const cases: Array<[string, unknown, string]> = [
      ["get_quote", { symbols: Array.from({ length: 51 }, (_, k) => `S${k}`) }, "symbols"],
      ["get_quote", { symbols: "AAPL" }, "symbols"],
      ["get_option_quotes", { symbol: "X", expiry: "20250117", right: "C", strikes: [-5] }, "strikes"],
      ["get_option_quotes", { symbol: "X", expiry: "2025-01-17", right: "C", strikes: [5] }, "expiry"],
      ["get_option_chain", { symbol: "X", strike_offset: -1 }, "strike_offset"],
      ["get_option_chain", { symbol: "X", max_strikes: 501 }, "max_strikes"],
      ["get_pnl", { account: "DU1; x" }, "account"],
      ["get_executions", { symbol: "A$B" }, "symbol"],
      ["get_trading_hours", { symbol: "AAPL", currency: "dollars" }, "currency"],
    ];
    for (const [name, args, field] of cases) {
      const r = input(name).safeParse(args);
      assert.equal(r.success, false, `${name} ${JSON.stringify(args)}`);
      assert.equal(r.error?.issues[0]?.path[0], field, `${name}: ${r.error?.message}`);
    }
  });
});
