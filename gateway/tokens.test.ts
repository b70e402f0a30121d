import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ConfigError } from "../shared/config.ts";
import { checkGatewaySafety } from "./safety.ts";
import { loadTokens } from "./tokens.ts";

const base = {
  HOST: "127.0.0.1",
  TRADING_MODE: "paper",
  GATEWAY_ALLOW_LIVE: false,
  MCP_ALLOW_UNAUTHENTICATED: false,
} as const;

describe("loadTokens", () => {
  it("merges env and file, skips comments and blanks, drops duplicates", () => {
    const tokens = loadTokens({ MCP_AUTH_TOKENS: ["a1", "b2"], MCP_AUTH_TOKENS_FILE: "/t" }, (p) => {
      assert.equal(p, "/t");
      return "# agents\nc3\n\n  b2  \r\nd4\n";
    });
    assert.deepEqual(tokens, ["a1", "b2", "c3", "d4"]);
  });

  it("an unreadable file is a ConfigError naming the variable", () => {
    assert.throws(
      () =>
        loadTokens({ MCP_AUTH_TOKENS: [], MCP_AUTH_TOKENS_FILE: "/nope/tokens" }, (p) =>
          readFileSync(p, "utf8"),
        ),
      (e: unknown) =>
        e instanceof ConfigError && /MCP_AUTH_TOKENS_FILE/.test(e.message) && /ENOENT/.test(e.message),
    );
  });

  it("a token file where no file can be read (a Worker) is refused, not ignored", () => {
    assert.throws(
      () => loadTokens({ MCP_AUTH_TOKENS: ["t"], MCP_AUTH_TOKENS_FILE: "/t" }),
      (e: unknown) => e instanceof ConfigError && /MCP_AUTH_TOKENS_FILE/.test(e.message),
    );
  });

  it("a token a bearer header cannot carry is refused without echoing it", () => {
    assert.throws(
      () => loadTokens({ MCP_AUTH_TOKENS: ["has space"], MCP_AUTH_TOKENS_FILE: undefined }),
      (e: unknown) => e instanceof ConfigError && !e.message.includes("has space"),
    );
  });
});

describe("checkGatewaySafety", () => {
  it("loopback without tokens is fine; beyond loopback needs tokens or a loud opt-out", () => {
    assert.deepEqual(checkGatewaySafety(base, []), []);
    assert.deepEqual(checkGatewaySafety({ ...base, HOST: "0.0.0.0" }, ["t"]), []);
    assert.throws(() => checkGatewaySafety({ ...base, HOST: "0.0.0.0" }, []), /MCP_AUTH_TOKENS/);
    const warnings = checkGatewaySafety({ ...base, HOST: "0.0.0.0", MCP_ALLOW_UNAUTHENTICATED: true }, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /UNAUTHENTICATED/);
  });

  it("live needs GATEWAY_ALLOW_LIVE", () => {
    assert.throws(() => checkGatewaySafety({ ...base, TRADING_MODE: "live" }, []), /GATEWAY_ALLOW_LIVE=true/);
    assert.deepEqual(checkGatewaySafety({ ...base, TRADING_MODE: "live", GATEWAY_ALLOW_LIVE: true }, []), []);
  });
});
