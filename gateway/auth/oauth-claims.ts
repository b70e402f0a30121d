import { PrincipalName, type Scope } from "../../shared/principals.ts";
import type { Principal } from "./principal.ts";

/** How an access token's claims become a principal: the claims naming it and the token scope behind each of ours. */
export interface ClaimMapping {
  /** Claims that may name the principal, first present (a non-empty string) wins; e.g. client_id, sub. */
  nameClaims: readonly string[];
  /** The token's scope value for each of our scopes, e.g. { read: "ib:read", … }. */
  scopeNames: Readonly<Record<Scope, string>>;
}

/**
 * A claim value as a PrincipalName: characters a name cannot hold become "_", leading ones that are not a letter
 * or digit go, and it is cut to 64. Undefined when nothing usable is left.
 */
export function sanitizeName(raw: string): string | undefined {
  const name = raw
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 64);
  return PrincipalName.safeParse(name).success ? name : undefined;
}

/** The token's granted scope values: `scope` (space-separated, RFC 9068) and `scp` (a list or a string). */
export function grantedScopes(claims: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const add = (v: unknown) => {
    const values = typeof v === "string" ? v.split(/\s+/) : Array.isArray(v) ? v : [];
    for (const s of values) if (typeof s === "string" && s) out.add(s);
  };
  add(claims.scope);
  add(claims.scp);
  return out;
}

/** The principal an access token's (already verified) claims describe, or why they describe none. */
export function principalFromClaims(
  claims: Record<string, unknown>,
  mapping: ClaimMapping,
): Principal | { error: string } {
  const claim = mapping.nameClaims.find((c) => typeof claims[c] === "string" && claims[c] !== "");
  const raw = claim === undefined ? undefined : (claims[claim] as string);
  const name = raw === undefined ? undefined : sanitizeName(raw);
  if (name === undefined)
    return {
      error: `the token has no usable ${mapping.nameClaims.join(" or ")} claim to name its caller (MCP_OAUTH_NAME_CLAIMS)`,
    };
  const granted = grantedScopes(claims);
  const scopes = new Set<Scope>();
  for (const [ours, theirs] of Object.entries(mapping.scopeNames) as Array<[Scope, string]>)
    if (granted.has(theirs)) scopes.add(ours);
  return { name, scopes, via: "oauth" };
}
