import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Every production .ts file under `folder`, relative to the repository root. */
function sourcesIn(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts"))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** The relative files a source imports or re-exports, type-only ones included: a cycle of types is one too. */
export function relativeImports(file: string, source: string): string[] {
  const specs = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["'](\.[^"']+)["']/g)];
  return specs.map((m) => relative(root, resolve(dirname(join(root, file)), m[1] ?? "")));
}

/** The first import cycle among `files` (as the chain of files), or undefined. */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === "done") return undefined;
    if (state.get(file) === "open") return [...path.slice(path.indexOf(file)), file];
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(file, "done");
    return undefined;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

describe("the IB layer's imports", () => {
  it("form no cycle (the client's types live apart from its factory)", () => {
    const files = sourcesIn("connector/ib");
    assert.ok(files.length > 20, `found the IB layer: ${files.length} files`);
    const graph = new Map(
      files.map((f) => [
        f,
        relativeImports(f, readFileSync(join(root, f), "utf8")).filter((t) => t.startsWith("connector/ib/")),
      ]),
    );
    assert.equal(findCycle(graph)?.join(" → "), undefined);
  });

  it("the check sees a cycle, type-only imports included", () => {
    const graph = new Map([
      ["a.ts", relativeImports("a.ts", 'import { b } from "./b.ts";')],
      ["b.ts", relativeImports("b.ts", 'import type { A } from "./a.ts";\nexport type * from "./c.ts";')],
      ["c.ts", []],
    ]);
    assert.deepEqual(findCycle(graph), ["a.ts", "b.ts", "a.ts"]);
    assert.equal(findCycle(new Map([["c.ts", []]])), undefined);
  });
});
