import { readFileSync, writeFileSync } from "node:fs";
import { withToolTable } from "../shared/docs/tool-table.ts";
import { catalogue } from "../shared/tools/index.ts";

/** `npm run docs`: rewrites README.md's tool table from the catalogue. */
export async function runDocs(): Promise<void> {
  const path = new URL("../README.md", import.meta.url);
  const readme = readFileSync(path, "utf8");
  const updated = withToolTable(readme, catalogue);
  if (updated === undefined) throw new Error("README.md has no tool-table markers");
  if (updated !== readme) writeFileSync(path, updated);
  console.log(updated === readme ? "README.md tool table is up to date" : "README.md tool table updated");
}
