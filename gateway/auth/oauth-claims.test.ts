import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { grantedScopes, principalFromClaims, sanitizeName } from "./oauth-claims.ts";

const mapping = {
  nameClaims: ["client_id", "sub"],
  scopeNames: { read: "ib:read", trade: "ib:trade", live: "ib:live" },
};

describe("OAuth claim mapping", () => {
  it("names the principal by the first present claim, sanitized to a PrincipalName", () => {
    const p = principalFromClaims(
      { client_id: "trader-bot", sub: "someone", scope: "ib:read ib:trade" },
      mapping,
    );
    assert.ok(!("error" in p));
    assert.equal(p.name, "trader-bot");
    assert.deepEqual([...p.scopes].sort(), ["read", "trade"]);
    assert.equal(p.via, "oauth");
    const bySub = principalFromClaims({ sub: "auth0|5f3a@corp", scp: ["ib:read"] }, mapping);
    assert.ok(!("error" in bySub));
    assert.equal(bySub.name, "auth0_5f3a_corp");
  });

  it("sanitizes: drops leading non-alphanumerics, cuts at 64, refuses what leaves nothing", () => {
    assert.equal(sanitizeName("--x y"), "x_y");
    assert.equal(sanitizeName("a".repeat(80))?.length, 64);
    assert.equal(sanitizeName("@@@"), undefined);
    assert.equal(sanitizeName(""), undefined);
  });

  it("reads scopes from `scope` (space-separated) and `scp` (list or string), and maps only the configured names", () => {
    assert.deepEqual(
      [...grantedScopes({ scope: "openid  ib:read", scp: ["ib:live", 7], x: "ib:trade" })],
      ["openid", "ib:read", "ib:live"],
    );
    assert.deepEqual([...grantedScopes({ scp: "a b" })], ["a", "b"]);
    const custom = principalFromClaims(
      { sub: "x", scope: "read ib:read" },
      { ...mapping, scopeNames: { read: "read", trade: "ib:trade", live: "ib:live" } },
    );
    assert.ok(!("error" in custom));
    assert.deepEqual([...custom.scopes], ["read"]);
    const nothing = principalFromClaims({ sub: "x", scope: "openid" }, mapping);
    assert.ok(!("error" in nothing));
    assert.equal(nothing.scopes.size, 0);
  });

  it("a token without a naming claim names no principal, and says which claims it looked for", () => {
    const p = principalFromClaims({ client_id: "", scope: "ib:read" }, mapping);
    assert.ok("error" in p);
    assert.match(p.error, /client_id or sub claim.*MCP_OAUTH_NAME_CLAIMS/);
  });
});
