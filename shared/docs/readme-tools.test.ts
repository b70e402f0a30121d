import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { catalogue } from "../tools/index.ts";
import { renderToolTable, withToolTable } from "./tool-table.ts";

describe("README tool table", () => {
  it("lists every catalogue tool with its parameters (run `npm run docs` after changing a tool)", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const updated = withToolTable(readme, catalogue);
    assert.ok(updated, "README.md has the tool-table markers");
    assert.equal(readme, updated, "README.md's tool table is out of date: run `npm run docs`");
  });

  it("shows each parameter with its default", () => {
    const table = renderToolTable(catalogue);
    for (const t of catalogue) assert.match(table, new RegExp(`\\| \`${t.name}\` \\|`));
    assert.match(table, /\| `lookup_contract` \| Look up contract \| contracts, market, history/);
    assert.match(table, /`duration`: string = "1 M"/);
    assert.match(table, /`max_bars`: integer = 20/);
  });
});
