import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { ConfigError } from "../../shared/config.ts";
import { loadPrincipals } from "./load-principals.ts";
import { createPrincipalSet } from "./principal-set.ts";

const sha = (t: string) => createHash("sha256").update(t).digest("hex");
const none = {
  MCP_AUTH_TOKENS: [],
  MCP_AUTH_TOKENS_FILE: undefined,
  MCP_PRINCIPALS: undefined,
  MCP_PRINCIPALS_FILE: undefined,
};
const yaml = (body: string) => ({ ...none, MCP_PRINCIPALS: body });

describe("loadPrincipals", () => {
  it("reads token_sha256 and token_file principals, then MCP_AUTH_TOKENS as token-1, token-2 with every scope", async () => {
    const loaded = loadPrincipals(
      {
        ...none,
        MCP_AUTH_TOKENS: ["envtok-a", "envtok-b"],
        MCP_PRINCIPALS_FILE: "/etc/p.yaml",
      },
      (path) => {
        if (path === "/etc/p.yaml")
          return `principals:\n  - name: research\n    token_sha256: ${sha("r-token").toUpperCase()}\n    scopes: [read]\n  - name: trader\n    token_file: /run/secrets/trader\n    scopes: [read, trade]\n  - name: oauth-client\n    scopes: [read]\n    weight: 3\n`;
        if (path === "/run/secrets/trader") return "\n  t-token  \n";
        throw Object.assign(new Error("nope"), { code: "ENOENT" });
      },
    );
    assert.deepEqual(
      loaded.entries.map((e) => [e.name, [...e.scopes]]),
      [
        ["research", ["read"]],
        ["trader", ["read", "trade"]],
        ["token-1", ["read", "trade", "live"]],
        ["token-2", ["read", "trade", "live"]],
      ],
    );
    assert.equal(loaded.file?.principals.find((p) => p.name === "oauth-client")?.weight, 3);
    const set = createPrincipalSet(loaded);
    const nameOf = async (t: string) => {
      const m = await set.match(t);
      return "principal" in m ? m.principal.name : undefined;
    };
    assert.equal(await nameOf("r-token"), "research", "an upper-case hash matches too");
    assert.equal(await nameOf("t-token"), "trader");
    assert.equal(await nameOf("envtok-b"), "token-2");
    assert.equal(await nameOf("r-toke"), undefined);
    assert.equal(
      set.staticNames.has("oauth-client"),
      false,
      "an entry without a token is no static principal",
    );
  });

  it("refuses a file principal named like a token-N, two principals with one token, and both token kinds at once", () => {
    assert.throws(
      () =>
        loadPrincipals({
          ...yaml(`principals: [{name: token-2, token_sha256: ${sha("x")}, scopes: [read]}]`),
          MCP_AUTH_TOKENS: ["a", "b"],
        }),
      (e: unknown) =>
        e instanceof ConfigError && /MCP_PRINCIPALS: principal "token-2" clashes/.test(e.message),
    );
    assert.throws(
      () =>
        loadPrincipals(
          yaml(
            `principals: [{name: a, token_sha256: ${sha("x")}, scopes: [read]}, {name: b, token_sha256: ${sha("x")}, scopes: [read]}]`,
          ),
        ),
      /"a" and "b" have the same token/,
    );
    assert.throws(
      () =>
        loadPrincipals(
          yaml(`principals: [{name: a, token_sha256: ${sha("x")}, token_file: /t, scopes: [read]}]`),
        ),
      /MCP_PRINCIPALS: principals.0.token_file: give token_sha256 or token_file, not both/,
    );
  });

  it("names the variable and never the token when a file is bad, unreadable, or needs a file system that is not there", () => {
    assert.throws(
      () =>
        loadPrincipals(
          { ...none, MCP_PRINCIPALS_FILE: "/p" },
          () => "principals: [{name: x, scopes: [admin]}]",
        ),
      /^ConfigError: MCP_PRINCIPALS_FILE: principals.0.scopes.0/,
    );
    assert.throws(
      () =>
        loadPrincipals({ ...none, MCP_PRINCIPALS_FILE: "/p" }, () => {
          throw Object.assign(new Error("x"), { code: "EACCES" });
        }),
      /MCP_PRINCIPALS_FILE: cannot read \/p \(EACCES\)/,
    );
    assert.throws(
      () => loadPrincipals({ ...none, MCP_PRINCIPALS_FILE: "/p" }),
      /no file system.*MCP_PRINCIPALS/,
    );
    assert.throws(
      () => loadPrincipals(yaml("principals: [{name: t, token_file: /s, scopes: [read]}]")),
      /principal "t": token_file \/s: this runtime has no file system; use token_sha256/,
    );
    assert.throws(
      () =>
        loadPrincipals({ ...none, MCP_PRINCIPALS_FILE: "/p" }, (p) =>
          p === "/p" ? "principals: [{name: t, token_file: /s, scopes: [read]}]" : "has space inside",
        ),
      (e: unknown) =>
        e instanceof ConfigError &&
        /holds no bearer token/.test(e.message) &&
        !e.message.includes("space inside"),
    );
  });
});

describe("createPrincipalSet", () => {
  it("matches exactly the known tokens, by token or by the file's hash", async () => {
    const set = createPrincipalSet(
      loadPrincipals({
        ...yaml(`principals: [{name: ops, token_sha256: ${sha("gamma")}, scopes: [read]}]`),
        MCP_AUTH_TOKENS: ["alpha", "beta"],
      }),
    );
    const nameOf = async (t: string) => {
      const m = await set.match(t);
      return "principal" in m ? m.principal.name : undefined;
    };
    assert.equal(await nameOf("alpha"), "token-1");
    assert.equal(await nameOf("beta"), "token-2");
    assert.equal(await nameOf("gamma"), "ops");
    for (const t of ["alph", "alphaa", "", sha("gamma")])
      assert.deepEqual(await set.match(t), { none: true }, t);
    assert.deepEqual(await createPrincipalSet(loadPrincipals(none)).match("alpha"), { none: true });
  });

  it("refuses a token two principals share across kinds (a file hash equal to an MCP_AUTH_TOKENS token) instead of guessing", async () => {
    const set = createPrincipalSet(
      loadPrincipals({
        ...yaml(`principals: [{name: ops, token_sha256: ${sha("same")}, scopes: [read]}]`),
        MCP_AUTH_TOKENS: ["same"],
      }),
    );
    assert.deepEqual(await set.match("same"), { ambiguous: ["ops", "token-1"] });
  });
});
