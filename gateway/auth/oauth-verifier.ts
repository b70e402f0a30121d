import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { type ClaimMapping, principalFromClaims } from "./oauth-claims.ts";
import type { Principal } from "./principal.ts";

export interface OAuthSettings {
  issuer: string;
  audience: string;
  algorithms: readonly string[];
  clockSkewS: number;
  mapping: ClaimMapping;
  /** Deadline of every fetch to the issuer (discovery and JWKS). */
  fetchDeadlineMs?: number;
}

export type OAuthOutcome =
  | { principal: Principal }
  /** The token is not acceptable: 401 with error="invalid_token" and this description. */
  | { invalid: string }
  /** The issuer's keys cannot be fetched now: the token can be neither accepted nor refused. */
  | { unavailable: string };

// A failed discovery is tried again after this long, not on every request.
const DISCOVERY_RETRY_MS = 10_000;

const trimSlash = (s: string) => s.replace(/\/+$/, "");

/** Where the issuer's metadata may live: OpenID discovery, then RFC 8414 (path inserted after the well-known part). */
function metadataUrls(issuer: string): URL[] {
  const u = new URL(issuer);
  const path = trimSlash(u.pathname);
  return [
    new URL(`${trimSlash(issuer)}/.well-known/openid-configuration`),
    new URL(`${u.origin}/.well-known/oauth-authorization-server${path}`),
  ];
}

/** Finds the issuer's jwks_uri (and its exact issuer string) within the deadline; throws why not. */
async function discover(issuer: string, deadlineMs: number): Promise<{ issuer: string; jwksUri: URL }> {
  const problems: string[] = [];
  for (const url of metadataUrls(issuer)) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(deadlineMs), redirect: "manual" });
      if (!res.ok) {
        problems.push(`${url.pathname}: HTTP ${res.status}`);
        await res.body?.cancel();
        continue;
      }
      const meta = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
      if (typeof meta.issuer !== "string" || trimSlash(meta.issuer) !== trimSlash(issuer))
        throw new Error(`${url.href} names issuer ${String(meta.issuer)}, not MCP_OAUTH_ISSUER ${issuer}`);
      if (typeof meta.jwks_uri !== "string") throw new Error(`${url.href} has no jwks_uri`);
      return { issuer: meta.issuer, jwksUri: new URL(meta.jwks_uri) };
    } catch (err) {
      if (err instanceof Error && /names issuer|no jwks_uri/.test(err.message)) throw err;
      problems.push(
        `${url.pathname}: ${(err as Error).name === "TimeoutError" ? "no answer in time" : (err as Error).message}`,
      );
    }
  }
  throw new Error(`no metadata for MCP_OAUTH_ISSUER ${issuer} (${problems.join("; ")})`);
}

/** Why jose refused a token, in words a client (and its operator) can act on; never the token itself. */
function refusal(err: unknown, settings: OAuthSettings): OAuthOutcome {
  if (err instanceof errors.JWKSTimeout || err instanceof TypeError)
    return { unavailable: "the OAuth issuer's keys could not be fetched in time" };
  if (err instanceof errors.JWTExpired) return { invalid: "the access token has expired" };
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "aud")
      return { invalid: `the access token is not for this server (audience ${settings.audience})` };
    if (err.claim === "iss") return { invalid: `the access token is not from ${settings.issuer}` };
    if (err.claim === "nbf") return { invalid: "the access token is not valid yet" };
    return { invalid: `the access token's "${err.claim}" claim is not acceptable` };
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return { invalid: `the access token's algorithm is not one of ${settings.algorithms.join(", ")}` };
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWSSignatureVerificationFailed)
    return { invalid: "the access token's signature does not verify with the issuer's keys" };
  if (err instanceof errors.JOSEError) return { invalid: "the access token is not a valid JWT" };
  return { unavailable: "the access token could not be checked" };
}

/**
 * An OAuth 2.1 resource server's token check: discovers the issuer's JWKS (cached; every fetch has a deadline),
 * verifies signature, algorithm, iss, aud, exp and nbf with jose (Web Crypto and fetch only, so every runtime can),
 * and maps the claims to a principal. A name that a static token already proves is refused: one name, one caller.
 */
export function createOAuthVerifier(settings: OAuthSettings) {
  const deadlineMs = settings.fetchDeadlineMs ?? 5_000;
  let keys: Promise<{ issuer: string; jwks: JWTVerifyGetKey }> | undefined;
  let failedAt = 0;
  const keysNow = () => {
    if (!keys || (failedAt && Date.now() - failedAt > DISCOVERY_RETRY_MS)) {
      failedAt = 0;
      keys = discover(settings.issuer, deadlineMs).then(({ issuer, jwksUri }) => ({
        issuer,
        jwks: createRemoteJWKSet(jwksUri, { timeoutDuration: deadlineMs, cooldownDuration: 30_000 }),
      }));
      keys.catch(() => {
        failedAt = Date.now();
      });
    }
    return keys;
  };

  return async function verify(token: string, staticNames: ReadonlySet<string>): Promise<OAuthOutcome> {
    let found: Awaited<ReturnType<typeof keysNow>>;
    try {
      found = await keysNow();
    } catch (err) {
      return { unavailable: (err as Error).message };
    }
    let claims: Record<string, unknown>;
    try {
      const verified = await jwtVerify(token, found.jwks, {
        issuer: found.issuer,
        audience: settings.audience,
        algorithms: [...settings.algorithms],
        clockTolerance: settings.clockSkewS,
        requiredClaims: ["exp"],
      });
      claims = verified.payload as Record<string, unknown>;
    } catch (err) {
      return refusal(err, settings);
    }
    const principal = principalFromClaims(claims, settings.mapping);
    if ("error" in principal) return { invalid: principal.error };
    if (staticNames.has(principal.name))
      return {
        invalid: `the token names "${principal.name}", a principal that signs in with a static token`,
      };
    return { principal };
  };
}
export type OAuthVerifier = ReturnType<typeof createOAuthVerifier>;
