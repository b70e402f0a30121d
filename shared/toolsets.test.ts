import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, GatewayEnv, parseEnv } from "./config.ts";
import { Toolset } from "./tool-def.ts";
import { DEFAULT_TOOLSETS, defaultToolsets, parseToolsets } from "./toolsets.ts";

describe("toolsets", () => {
  it("reads a comma list in catalogue order, case and spaces aside, and all", () => {
    assert.deepEqual(parseToolsets(" Account, market ,market"), { toolsets: ["market", "account"] });
    assert.deepEqual(parseToolsets("all"), { toolsets: [...Toolset.options] });
  });

  it("refuses unknown and empty lists, naming the known toolsets", () => {
    const unknown = parseToolsets("market,crypto");
    assert.ok("error" in unknown);
    assert.match(
      unknown.error,
      /unknown toolset "crypto"; use all or a comma list of: contracts, market, history/,
    );
    assert.ok("error" in parseToolsets(" , "));
  });

  it("MCP_TOOLSETS unset leaves the default (orders join it with trading on), and a bad value names the variable", () => {
    assert.equal(parseEnv(GatewayEnv, {}).MCP_TOOLSETS, undefined);
    assert.deepEqual(defaultToolsets(false), DEFAULT_TOOLSETS);
    assert.deepEqual(defaultToolsets(true), [...DEFAULT_TOOLSETS, "orders"]);
    assert.deepEqual(parseEnv(GatewayEnv, { MCP_TOOLSETS: "news" }).MCP_TOOLSETS, ["news"]);
    assert.throws(
      () => parseEnv(GatewayEnv, { MCP_TOOLSETS: "news,stocks" }),
      (e: unknown) => e instanceof ConfigError && /MCP_TOOLSETS: unknown toolset "stocks"/.test(e.message),
    );
  });
});
