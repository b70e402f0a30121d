/**
 * Bundles the Worker (gateway/runtime/workers.ts) into one ES module for workerd/wrangler:
 * `npm run gateway:workers [-- --outdir DIR]`. The workerd/worker/browser conditions pick each package's
 * Worker-safe build (pino's console logger among them); nothing from node: is left in it.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Builds the bundle into `outdir` and returns the path of worker.js. */
export async function bundleWorker(outdir = join(root, "dist/workers")): Promise<string> {
  const outfile = join(outdir, "worker.js");
  await build({
    entryPoints: [join(root, "gateway/runtime/workers.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:workers"],
    target: "es2022",
    minify: true,
    sourcemap: "external",
    logLevel: "warning",
  });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { outdir: { type: "string" } } });
  const file = await bundleWorker(values.outdir);
  const size = readFileSync(file);
  console.log(
    `${file}: ${(size.length / 1024).toFixed(0)} KB, ${(gzipSync(size).length / 1024).toFixed(0)} KB gzip`,
  );
}
