import { runAllInOne } from "./all-in-one.ts";

/** The MCP client configurations a user can paste, for a server at `url`. */
export function clientConfigs(url: string): string {
  const cursor = JSON.stringify({ mcpServers: { ib: { url } } }, null, 2);
  const claudeDesktop = JSON.stringify(
    { mcpServers: { ib: { command: "npx", args: ["-y", "mcp-remote@latest", url] } } },
    null,
    2,
  );
  return [
    `MCP endpoint: ${url}`,
    "",
    "Claude Code:",
    `  claude mcp add --transport http ib ${url}`,
    "",
    "Cursor (~/.cursor/mcp.json) and other clients that speak streamable HTTP:",
    cursor,
    "",
    "Claude Desktop (claude_desktop_config.json, through the mcp-remote bridge):",
    claudeDesktop,
    "",
    "MCP Inspector (CLI):",
    `  npx @modelcontextprotocol/inspector@1 --cli ${url} --transport http --method tools/list`,
  ].join("\n");
}

/**
 * `npm run demo`: the IB Gateway simulator on a free loopback port, and the all-in-one server against it.
 * Flags after `--` go to the simulator (e.g. `-- --time-scale 0.1`).
 */
export async function runDemo(argv: string[]): Promise<void> {
  const { startSimulator } = await import("../sim/index.ts");
  const sim = await startSimulator({ port: 0 });
  const env = {
    ...process.env,
    IB_HOST: "127.0.0.1",
    IB_PORT: String(sim.port),
    TRADING_MODE: "paper",
    NATS_URL: "",
  };
  if (argv.length) console.error(`ib-mcp demo: ignoring extra arguments: ${argv.join(" ")}`);
  const server = await runAllInOne(env);
  process.once("exit", () => void sim.close());
  console.log(
    `\nib-mcp demo is running against the IB Gateway simulator (127.0.0.1:${sim.port}, paper account, no real money).\n`,
  );
  console.log(clientConfigs(server.url));
  console.log("\nPress Ctrl+C to stop.");
}
