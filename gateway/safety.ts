import { ConfigError, type GatewayEnv } from "../shared/config.ts";

const loopbackNames = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** True for names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return loopbackNames.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Refuses configurations that would expose the gateway or trade live by accident.
 * Returns the warnings an operator must see (the explicit opt-outs). `auth` lists what authenticates callers
 * (static tokens, OAuth); empty means the gateway is open and every caller is `anonymous`.
 */
export function checkGatewaySafety(
  env: Pick<GatewayEnv, "HOST" | "TRADING_MODE" | "GATEWAY_ALLOW_LIVE" | "MCP_ALLOW_UNAUTHENTICATED">,
  auth: readonly string[],
): string[] {
  const warnings: string[] = [];
  if (env.TRADING_MODE === "live" && !env.GATEWAY_ALLOW_LIVE) {
    throw new ConfigError(
      "TRADING_MODE=live needs GATEWAY_ALLOW_LIVE=true as well: the gateway would serve a live account. Set both, or use TRADING_MODE=paper.",
    );
  }
  if (!isLoopbackHost(env.HOST) && auth.length === 0) {
    if (!env.MCP_ALLOW_UNAUTHENTICATED) {
      throw new ConfigError(
        `HOST=${env.HOST} listens beyond this machine but no caller has to authenticate: set MCP_PRINCIPALS_FILE, MCP_AUTH_TOKENS or MCP_AUTH_TOKENS_FILE (or MCP_OAUTH_ISSUER), or HOST=127.0.0.1 (MCP_ALLOW_UNAUTHENTICATED=true opts out, not recommended).`,
      );
    }
    warnings.push(
      `UNAUTHENTICATED: HOST=${env.HOST} serves /mcp to anyone who can reach it (MCP_ALLOW_UNAUTHENTICATED=true), every caller as principal "anonymous" with every scope. Set MCP_PRINCIPALS_FILE or MCP_AUTH_TOKENS to require a bearer token.`,
    );
  }
  return warnings;
}
