import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError } from "../../shared/config.ts";
import { createPrincipalRegistry } from "./registry.ts";

describe("principal registry", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const fileWith = async (text: string) => {
    const dir = await mkdtemp(join(tmpdir(), "ibmcp-principals-"));
    dirs.push(dir);
    const path = join(dir, "principals.yaml");
    await writeFile(path, text);
    return path;
  };

  it("gives listed principals their weight and quotas, others the defaults, and bounded labels", async () => {
    const path = await fileWith(
      [
        "principals:",
        "  - { name: ops, scopes: [read], weight: 3, quotas: { calls_per_minute: 600 } }",
        "defaults: { weight: 1, quotas: { concurrent: 2 } }",
      ].join("\n"),
    );
    const r = createPrincipalRegistry(path);
    assert.deepEqual(r.share("ops"), { weight: 3, quotas: { calls_per_minute: 600 } });
    assert.deepEqual(r.share("token-2"), { weight: 1, quotas: { concurrent: 2 } });
    assert.deepEqual(
      ["ops", "anonymous", "token-2", "sub|oauth-xyz"].map((n) => r.label(n)),
      ["ops", "anonymous", "other", "other"],
    );
  });

  it("without a file everyone has weight 1 and no quotas", () => {
    const r = createPrincipalRegistry(undefined);
    assert.deepEqual(r.share("anyone"), { weight: 1, quotas: {} });
  });

  it("refuses a missing or invalid file with an error naming MCP_PRINCIPALS_FILE", async () => {
    assert.throws(
      () => createPrincipalRegistry("/nonexistent/ibmcp-principals.yaml"),
      (err: unknown) => {
        return err instanceof ConfigError && /^MCP_PRINCIPALS_FILE: cannot read .*ENOENT/.test(err.message);
      },
    );
    const bad = await fileWith("principals:\n  - { name: x, scopes: [fly] }\n");
    assert.throws(() => createPrincipalRegistry(bad), /MCP_PRINCIPALS_FILE: principals\.0\.scopes\.0/);
  });

  it("reloads the file, and keeps the one in use when the new one is bad", async () => {
    const path = await fileWith("principals:\n  - { name: bot, scopes: [read], weight: 2 }\n");
    const r = createPrincipalRegistry(path);
    await writeFile(path, "principals:\n  - { name: bot, scopes: [read], weight: 5 }\n");
    r.reload();
    assert.equal(r.share("bot").weight, 5);
    await writeFile(path, "principals: [ { name: bot, scopes: [read], weight: -1 } ]\n");
    assert.throws(
      () => r.reload(),
      (err: unknown) => err instanceof ConfigError && /MCP_PRINCIPALS_FILE/.test(err.message),
    );
    assert.equal(r.share("bot").weight, 5);
    assert.equal(r.label("bot"), "bot");
  });
});
