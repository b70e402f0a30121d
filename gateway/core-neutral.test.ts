import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

// The core: the app and everything in these folders, whoever adds files to them later.
const coreFiles = ["gateway/app.ts"];
const coreFolders = ["gateway/mcp", "gateway/middleware", "gateway/bus", "gateway/auth"];

// Packages that only work on Node (sockets, process internals); the runtime adapters bring them in instead.
const nodeOnlyPackages = new Set(["prom-client", "@hono/node-server", "@nats-io/transport-node"]);
const builtins = new Set(builtinModules);

function sourcesIn(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts"))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** The specifiers a file loads at run time: type-only imports and re-exports are erased, so they do not count. */
function runtimeImports(source: string): string[] {
  const specs: string[] = [];
  const statement = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']/g;
  for (const m of source.matchAll(statement)) {
    const clause = m[3] ?? "";
    const names = /^\{([^}]*)\}$/.exec(clause.trim())?.[1];
    const allTypes = names
      ?.split(",")
      .map((n) => n.trim())
      .filter(Boolean)
      .every((n) => n.startsWith("type "));
    if (!m[2] && !allTypes) specs.push(m[4] ?? "");
  }
  for (const m of source.matchAll(/(?:^|\n)\s*import\s*["']([^"']+)["']/g)) specs.push(m[1] ?? "");
  for (const m of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) specs.push(m[1] ?? "");
  return specs;
}

// Node globals a Worker lacks (setImmediate counts only when called bare, not when looked up on globalThis), and
// Node's timer methods: workerd's setTimeout/setInterval return numbers, so `timer.unref()` throws there.
const nodeGlobals =
  /\bBuffer\.|\bprocess\.(?:env|exit|on|once|nextTick|hrtime|memoryUsage|cpuUsage)\b|(?<![.\w])setImmediate\(|\.(?:unref|ref|refresh)\(\)/;
const withoutComments = (s: string) => s.replace(/^\s*(\/\/|\*).*$/gm, "");

const isNodeOnly = (spec: string) => {
  const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
  return spec.startsWith("node:") || builtins.has(spec) || nodeOnlyPackages.has(pkg ?? "");
};

describe("the gateway core is runtime-neutral", () => {
  it("no file the core loads, directly or through its own modules, imports node: or a Node-only package or uses a Node global", () => {
    const start = [...coreFiles, ...coreFolders.flatMap(sourcesIn)];
    assert.ok(start.length > 10, `found the core files: ${start.join(", ")}`);
    const seen = new Set<string>();
    const offences: string[] = [];
    const queue = [...start];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const source = readFileSync(join(root, file), "utf8");
      const global = nodeGlobals.exec(withoutComments(source));
      if (global) offences.push(`${file} uses ${global[0]}`);
      for (const spec of runtimeImports(source)) {
        if (spec.startsWith(".")) {
          const target = relative(root, resolve(dirname(join(root, file)), spec));
          if (target.endsWith(".ts")) queue.push(target);
        } else if (isNodeOnly(spec)) {
          offences.push(`${file} imports ${spec}`);
        }
      }
    }
    assert.deepEqual(offences, [], "move these behind an adapter in gateway/runtime/");
  });

  it("the check sees Node globals in code, not in comments", () => {
    const code = (s: string) => nodeGlobals.exec(withoutComments(s))?.[0];
    assert.equal(code("const n = Buffer.byteLength(text);"), "Buffer.");
    assert.equal(code("setImmediate(flush);"), "setImmediate(");
    assert.equal(code("const a = globalThis.setImmediate ?? setTimeout;"), undefined);
    assert.equal(code("// Buffer.byteLength is Node's"), undefined);
    assert.equal(code("setInterval(tick, 250).unref();"), ".unref()");
    assert.equal(code("(timer as { unref?: () => void }).unref?.();"), undefined);
  });

  it("the check sees a node: import, a bare builtin, a Node-only package, and ignores type-only imports", () => {
    const src = [
      'import { createHash } from "node:crypto";',
      'import { readFileSync } from "fs";',
      'import { Registry } from "prom-client";',
      'import type { Logger } from "pino";',
      'import { type Server } from "@hono/node-server";',
      'export { serve } from "./serve.ts";',
    ].join("\n");
    const specs = runtimeImports(src);
    assert.deepEqual(specs, ["node:crypto", "fs", "prom-client", "./serve.ts"]);
    assert.deepEqual(
      specs.filter(isNodeOnly),
      ["node:crypto", "fs", "prom-client"],
      "each Node-only import is flagged",
    );
  });
});
