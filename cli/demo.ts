import { loadTokens } from "../gateway/tokens.ts";
import { GatewayEnv, parseEnv } from "../shared/config.ts";
import { defaultToolsets } from "../shared/toolsets.ts";
import { runAllInOne } from "./all-in-one.ts";

/**
 * The MCP client configurations a user can paste, for a server at `url`; with `token`, each sends it as
 * `Authorization: Bearer <token>` (the demo prints the token the user set in their own environment).
 */
export function clientConfigs(url: string, token?: string, defaultToolsets: readonly string[] = []): string {
  const auth = token ? `Bearer ${token}` : undefined;
  const cursor = JSON.stringify(
    { mcpServers: { ib: auth ? { url, headers: { Authorization: auth } } : { url } } },
    null,
    2,
  );
  // mcp-remote takes the header from env: arguments with spaces break on some platforms
  const headerArg = "Authorization:$" + "{AUTH_HEADER}";
  const bridge = auth
    ? {
        command: "npx",
        args: ["-y", "mcp-remote@latest", url, "--header", headerArg],
        env: { AUTH_HEADER: auth },
      }
    : { command: "npx", args: ["-y", "mcp-remote@latest", url] };
  const claudeDesktop = JSON.stringify({ mcpServers: { ib: bridge } }, null, 2);
  const header = auth ? ` --header "Authorization: ${auth}"` : "";
  return [
    `MCP endpoint: ${url}`,
    ...(defaultToolsets.length
      ? [
          `  lists the toolsets ${defaultToolsets.join(", ")}; choose others per URL, e.g. ${url}?toolsets=all or ${url}/toolsets/options,news`,
        ]
      : []),
    "",
    "Claude Code:",
    `  claude mcp add --transport http ib ${url}${header}`,
    "",
    "Cursor (~/.cursor/mcp.json) and other clients that speak streamable HTTP:",
    cursor,
    "",
    "Claude Desktop (claude_desktop_config.json, through the mcp-remote bridge):",
    claudeDesktop,
    "",
    "MCP Inspector 2.x (CLI; on Node 20 npm warns EBADENGINE, and it runs):",
    `  npx @modelcontextprotocol/inspector@2 --cli ${url} --transport http${header} --method tools/list`,
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
  const gatewayEnv = parseEnv(GatewayEnv, env);
  const toolsets = gatewayEnv.MCP_TOOLSETS ?? defaultToolsets(gatewayEnv.MCP_ENABLE_TRADING);
  console.log(clientConfigs(server.url, loadTokens(gatewayEnv)[0], toolsets));
  console.log("\nPress Ctrl+C to stop.");
}
