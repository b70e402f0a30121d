import type { TradingMode } from "../../shared/mode.ts";
import { ANONYMOUS_PRINCIPAL, type Scope } from "../../shared/principals.ts";
import type { ToolDef } from "../../shared/tool-def.ts";

/** The authenticated caller of one HTTP request, as the gateway alone decides it. */
export interface Principal {
  /** Sent to the connector as X-Principal; a PrincipalName. */
  name: string;
  scopes: ReadonlySet<Scope>;
  /** How the caller proved who it is: a static bearer token, an OAuth access token, or nothing (auth is off). */
  via: "token" | "oauth" | "none";
}

/** Every scope: what MCP_AUTH_TOKENS' token-N and the anonymous caller hold (the gateway's switches still apply). */
export const ALL_SCOPES: ReadonlySet<Scope> = new Set<Scope>(["read", "trade", "live"]);

/** The caller when no authentication is configured: today's open gateway, loopback unless opted out. */
export const anonymousPrincipal: Principal = Object.freeze({
  name: ANONYMOUS_PRINCIPAL,
  scopes: ALL_SCOPES,
  via: "none",
});

/** The scope a tool needs on a gateway of this mode: `read` for read tools; `trade` (paper) or `live` for orders. */
export function requiredScope(tool: Pick<ToolDef, "access">, mode: TradingMode): Scope {
  if (tool.access === "read") return "read";
  return mode === "live" ? "live" : "trade";
}

/** The scope this principal lacks for the tool, or undefined when it may call it. */
export function missingScope(
  principal: Principal,
  tool: Pick<ToolDef, "access">,
  mode: TradingMode,
): Scope | undefined {
  const needed = requiredScope(tool, mode);
  return principal.scopes.has(needed) ? undefined : needed;
}
