import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CliProcess, spawnCli, spawnWatched } from "./spawn-cli.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const scripts = (
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

export type ProcessRuntime = "node" | "bun" | "deno";

/**
 * The documented command of a runtime, from its npm script (`bun gateway/runtime/bun.ts`; `deno task gateway`, the
 * task in deno.json), with its binary from node_modules/.bin.
 */
function commandOf(runtime: "bun" | "deno"): [string, string[]] {
  const [bin, ...argv] = (scripts[`gateway:${runtime}`] ?? "").split(" ").filter(Boolean);
  if (bin !== runtime) throw new Error(`package.json has no gateway:${runtime} script running ${runtime}`);
  return [join(root, "node_modules/.bin", bin), argv];
}

export interface RunningGateway {
  /** e.g. http://127.0.0.1:PORT (MCP at `${base}/mcp`). */
  base: string;
  cli: CliProcess;
}

/**
 * Starts the gateway on Node (`ib-mcp gateway`, with Node 20's WebSocket switched on), Bun or Deno, with the
 * given env on a port of its choosing, and resolves with the URL it printed (deadline 30 s).
 */
export async function startGatewayOn(
  runtime: ProcessRuntime,
  env: Record<string, string>,
): Promise<RunningGateway> {
  const full = { PORT: "0", TRADING_MODE: "paper", ...env };
  let cli: CliProcess;
  if (runtime === "node") {
    cli = spawnCli("gateway", [], { NODE_OPTIONS: "--experimental-websocket --no-warnings", ...full });
  } else {
    const [bin, argv] = commandOf(runtime);
    cli = spawnWatched(bin, argv, full, `gateway on ${runtime}`);
  }
  try {
    const m = await cli.waitFor(/ready at (http:\/\/\S+)\/mcp/, 30_000);
    return { base: m[1] ?? "", cli };
  } catch (err) {
    await cli.stop();
    throw err;
  }
}
