import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type CliProcess, spawnCli } from "./spawn-cli.ts";

/** Polls `url` until it answers 200, or throws after `timeoutMs` with the last status seen. */
export async function waitForOk(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < until) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms (last: ${last})`);
}

/** Starts `ib-mcp sim` on a free port and returns it with the port it printed. */
export async function spawnSim(args: string[] = []): Promise<{ cli: CliProcess; port: number }> {
  const cli = spawnCli("sim", ["--port", "0", ...args], {});
  const m = await cli.waitFor(/listening on 127\.0\.0\.1:(\d+)/, 20_000);
  return { cli, port: Number(m[1]) };
}

/** An MCP SDK client connected over streamable HTTP, as an agent would connect. */
export async function mcpClient(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "ib-mcp-e2e", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/** The text of the first content block of a tool result. */
export function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.find((c) => c.type === "text")?.text ?? "";
}
