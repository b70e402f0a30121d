import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Toolset } from "../shared/tool-def.ts";
import { catalogue } from "../shared/tools/index.ts";
import { DEFAULT_TOOLSETS } from "../shared/toolsets.ts";
import { buildToolList, createToolSelector } from "./mcp/tool-list.ts";

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

describe("tools/list sizes (what every agent's context pays)", () => {
  const read = catalogue.filter((t) => t.access === "read");
  const select = createToolSelector(read);

  it("prints each tool's size and each toolset's; tools average at most 1.2 KB (read only and with trading on), the default set 25 KB", () => {
    const rows = buildToolList(catalogue).tools.map((t) => {
      const model = bytes({ name: t.name, description: t.description, inputSchema: t.inputSchema });
      return `  ${t.name.padEnd(22)} ${String(bytes(t)).padStart(5)} B (name+description+input ${model} B)`;
    });
    const sets = Toolset.options.map(
      (s) => `  ${s.padEnd(13)} ${kb(bytes(createToolSelector(catalogue)([s]).list)).padStart(8)}`,
    );
    const all = select(Toolset.options).list;
    const dflt = select(DEFAULT_TOOLSETS).list;
    const trading = buildToolList(catalogue);
    const average = bytes(all) / all.tools.length;
    console.log(
      [
        "tools/list bytes per tool (compact JSON, as served):",
        ...rows,
        "per toolset (trade tools included):",
        ...sets,
        `every read tool: ${kb(bytes(all))} for ${all.tools.length} tools, ${Math.round(average)} B each on average`,
        `with trading on: ${kb(bytes(trading))} for ${trading.tools.length} tools, ${Math.round(bytes(trading) / trading.tools.length)} B each on average`,
        `default (${DEFAULT_TOOLSETS.join(",")}): ${kb(bytes(dflt))} for ${dflt.tools.length} tools`,
      ].join("\n"),
    );
    assert.ok(average <= 1.2 * 1024, `read tools average ${Math.round(average)} B`);
    const tradingAverage = bytes(trading) / trading.tools.length;
    assert.ok(tradingAverage <= 1.2 * 1024, `with trading on, tools average ${Math.round(tradingAverage)} B`);
    assert.ok(bytes(dflt) <= 25 * 1024, `the default set is ${bytes(dflt)} B`);
  });

  it("lists each seed tool, with its name and parameters, in every set that serves its area", () => {
    const seed = [
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
    for (const name of seed) {
      const tool = read.find((t) => t.name === name);
      assert.ok(tool, name);
      for (const set of tool.toolsets) assert.ok(select([set]).byName.has(name), `${name} in ${set}`);
    }
    // resolving a symbol is part of every set that takes symbols
    for (const set of ["contracts", "market", "history", "fundamentals", "news", "options"] as const)
      assert.ok(select([set]).byName.has("lookup_contract"), set);
  });

  it("every tool is in some toolset, and every toolset has a tool", () => {
    for (const s of Toolset.options)
      assert.ok(
        catalogue.some((t) => t.toolsets.includes(s)),
        s,
      );
    for (const t of catalogue) assert.ok(t.toolsets.length > 0, t.name);
  });
});
