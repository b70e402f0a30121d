import type { Scope } from "../../shared/principals.ts";
import type { OAuthVerifier } from "./oauth-verifier.ts";
import type { PrincipalSet } from "./principal-set.ts";

/** Everything the auth middleware and the discovery routes need; `principals` is re-read per request (SIGHUP). */
export interface AuthSetup {
  principals: () => PrincipalSet;
  oauth?: {
    issuer: string;
    verify: OAuthVerifier;
    /** The token scope names of read, trade, live (scopes_supported). */
    scopeNames: Readonly<Record<Scope, string>>;
    /** MCP_OAUTH_RESOURCE, else MCP_OAUTH_AUDIENCE when it is a URL; else the URL a request came to decides. */
    resource: string | undefined;
  };
}

/** The resource identifier announced for a request: the configured one, or this origin's /mcp. */
export function resourceOf(oauth: NonNullable<AuthSetup["oauth"]>, requestUrl: string): string {
  return oauth.resource ?? `${new URL(requestUrl).origin}/mcp`;
}

/** RFC 9728's metadata URL for a resource: the well-known part inserted between its origin and its path. */
export function resourceMetadataUrl(resource: string): string {
  const u = new URL(resource);
  const path = u.pathname === "/" ? "" : u.pathname.replace(/\/+$/, "");
  return `${u.origin}/.well-known/oauth-protected-resource${path}`;
}

/**
 * What a caller without the right credentials is told when this server takes static tokens only: mcp-remote and the
 * MCP SDK client read a 401 as the start of OAuth, and this text is where their attempt ends (the 401's body, the
 * discovery paths, and POST /register, which the SDK surfaces as its error message).
 */
export const STATIC_TOKEN_HINT =
  'This server takes static bearer tokens, not OAuth: send the header "Authorization: Bearer <token>" with a token the operator gave you (listed in the gateway\'s MCP_PRINCIPALS_FILE or MCP_AUTH_TOKENS; mcp-remote: add the arguments --header "Authorization: Bearer <token>"; Claude Code: --header "Authorization: Bearer <token>").';
