import type { MiddlewareHandler } from "hono";
import { bearerAuth as honoBearerAuth } from "hono/bearer-auth";
import { JsonRpcCode } from "../mcp/jsonrpc.ts";

const encoder = new TextEncoder();
// Web Crypto, not node:crypto, so the same check runs on every runtime the gateway serves on.
const digest = async (s: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(s)));

/** Equal-length digests compared without an early exit: the time taken says nothing about where they differ. */
function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * A verifier that compares SHA-256 digests in constant time against every token, so neither the length nor the
 * position of a match leaks through timing.
 */
export function tokenVerifier(tokens: readonly string[]): (presented: string) => Promise<boolean> {
  const known = Promise.all(tokens.map(digest));
  return async (presented) => {
    const [d, all] = await Promise.all([digest(presented), known]);
    let ok = false;
    for (const k of all) ok = sameDigest(k, d) || ok;
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
