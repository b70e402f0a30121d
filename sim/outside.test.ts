import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// The project's own code: IB Gateway knows none of it, so neither does the simulator that stands in for it.
const project = ["shared", "connector", "gateway", "cli"];

/** Every relative import or export specifier of a source, type-only ones included. */
function relativeSpecifiers(source: string): string[] {
  const specs: string[] = [];
  for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*["'](\.[^"']+)["']/g))
    specs.push(m[1] ?? "");
  for (const m of source.matchAll(/(?:^|\n)\s*import\s*["'](\.[^"']+)["']/g)) specs.push(m[1] ?? "");
  for (const m of source.matchAll(/\bimport\(\s*["'](\.[^"']+)["']\s*\)/g)) specs.push(m[1] ?? "");
  return specs;
}

/** The project folder a relative specifier of `file` lands in, if it leaves sim/ for one. */
function projectTarget(file: string, spec: string): string | undefined {
  const target = relative(root, resolve(dirname(join(root, file)), spec));
  return project.find((folder) => target === folder || target.startsWith(`${folder}/`));
}

describe("the simulator is an outside IB Gateway", () => {
  it("no simulator source (tests aside) imports the project's shared, connector, gateway or cli code", () => {
    const files = readdirSync(join(root, "sim"), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts"))
      .map((e) => relative(root, join(e.parentPath, e.name)));
    assert.ok(files.length > 50, `found the simulator's files: ${files.length}`);
    const offences = files.flatMap((file) =>
      relativeSpecifiers(readFileSync(join(root, file), "utf8"))
        .filter((spec) => projectTarget(file, spec) !== undefined)
        .map((spec) => `${file} imports ${spec}`),
    );
    assert.deepEqual(offences, [], "give the simulator its own (sim/errors.ts for errors)");
  });

  it("the check sees an import of the project's code at any depth, and not one within sim/", () => {
    const src = [
      'import { IbMcpError } from "../../shared/errors.ts";',
      'import type { Bus } from "../shared/bus.ts";',
      'export { x } from "../connector/x.ts";',
      'import { SimProtocolError } from "../errors.ts";',
    ].join("\n");
    const hits = relativeSpecifiers(src).filter((s) => projectTarget("sim/protocol/framing.ts", s));
    assert.deepEqual(hits, ["../../shared/errors.ts"]);
    assert.equal(projectTarget("sim/server.ts", "../shared/bus.ts"), "shared");
    assert.equal(projectTarget("sim/server.ts", "../connector/x.ts"), "connector");
    assert.equal(projectTarget("sim/protocol/framing.ts", "../errors.ts"), undefined);
  });
});
