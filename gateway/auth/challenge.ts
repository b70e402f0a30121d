import type { Context } from "hono";
import { JsonRpcCode } from "../mcp/jsonrpc.ts";
import { type AuthSetup, resourceMetadataUrl, resourceOf, STATIC_TOKEN_HINT } from "./auth-setup.ts";

export type Refused =
  | { status: 401; error?: "invalid_token"; why: string }
  | { status: 400; why: string }
  | { status: 403; scope: string; why: string }
  | { status: 503; why: string };

// A quoted-string of RFC 9110: no quotes, backslashes or control characters inside.
const quoted = (s: string) => `"${s.replace(/["\\\p{Cc}]/gu, " ")}"`;

/** The WWW-Authenticate challenge (RFC 6750, with RFC 9728's resource_metadata when OAuth is on). */
function challenge(auth: AuthSetup, requestUrl: string, refused: Refused): string {
  const parts = ['Bearer realm="ib-mcp"'];
  if (auth.oauth)
    parts.push(`resource_metadata=${quoted(resourceMetadataUrl(resourceOf(auth.oauth, requestUrl)))}`);
  if (refused.status === 400) parts.push('error="invalid_request"');
  if (refused.status === 401 && refused.error) parts.push(`error="${refused.error}"`);
  if (refused.status === 403) parts.push('error="insufficient_scope"', `scope=${quoted(refused.scope)}`);
  if (refused.status !== 503 && (refused.status !== 401 || refused.error))
    parts.push(`error_description=${quoted(refused.why)}`);
  return parts.join(", ");
}

/** The body's message: what went wrong and how to get in (the static-token hint unless OAuth is the way). */
function messageOf(auth: AuthSetup, refused: Refused): string {
  const label = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 503: "Service Unavailable" }[
    refused.status
  ];
  const how =
    refused.status === 503
      ? "retry in a few seconds"
      : auth.oauth
        ? `send "Authorization: Bearer <token>" with an access token from ${auth.oauth.issuer}${auth.principals().hasTokens ? " or a static token the operator gave you" : ""}`
        : STATIC_TOKEN_HINT;
  return `${label}: ${refused.why}. ${how}`;
}

/** A refused request: JSON-RPC error body (as every HTTP-level refusal of this gateway) plus the challenge header. */
export function refuse(c: Context, auth: AuthSetup, refused: Refused): Response {
  const body = {
    jsonrpc: "2.0",
    error: { code: JsonRpcCode.serverError, message: messageOf(auth, refused) },
    id: null,
  };
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (refused.status !== 503) headers["WWW-Authenticate"] = challenge(auth, c.req.url, refused);
  else headers["Retry-After"] = "5";
  return new Response(JSON.stringify(body), { status: refused.status, headers });
}
