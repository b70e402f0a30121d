import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { bearerAuth as honoBearerAuth } from "hono/bearer-auth";
import { JsonRpcCode } from "../mcp/jsonrpc.ts";

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * A verifier that compares SHA-256 digests with timingSafeEqual against every token, so neither the length
 * nor the position of a match leaks through timing.
 */
export function tokenVerifier(tokens: readonly string[]): (presented: string) => boolean {
  const known = tokens.map(digest);
  return (presented) => {
    const d = digest(presented);
    let ok = false;
    for (const k of known) ok = timingSafeEqual(k, d) || ok;
    return ok;
  };
}

const rpcError = (message: string) => ({
  jsonrpc: "2.0",
  error: { code: JsonRpcCode.serverError, message },
  id: null,
});

/** Hono's bearer auth (401 + WWW-Authenticate) with our verifier and JSON-RPC error bodies. */
export function bearerAuth(tokens: readonly string[]): MiddlewareHandler {
  const verify = tokenVerifier(tokens);
  return honoBearerAuth({
    realm: "ib-mcp",
    verifyToken: (t) => verify(t),
    noAuthenticationHeader: {
      message: rpcError(
        "Unauthorized: send Authorization: Bearer <token> with one of the gateway's MCP_AUTH_TOKENS",
      ),
    },
    invalidAuthenticationHeader: {
      message: rpcError("Bad Request: the Authorization header must be `Bearer <token>`"),
    },
    invalidToken: {
      message: rpcError("Unauthorized: the bearer token is not one of the gateway's MCP_AUTH_TOKENS"),
    },
  });
}
