import { hexBytes, sameDigest, sha256 } from "./digest.ts";
import type { LoadedPrincipals } from "./load-principals.ts";
import type { Principal } from "./principal.ts";

export type StaticMatch =
  | { principal: Principal }
  /** The token matches no static principal. */
  | { none: true }
  /** The token matches two principals (a file hash equal to an MCP_AUTH_TOKENS token): refused, never guessed. */
  | { ambiguous: string[] };

export interface PrincipalSet {
  /** The loaded file and entries this set was built from. */
  loaded: LoadedPrincipals;
  /** Names a static token proves; an OAuth token may not claim one of them. */
  staticNames: ReadonlySet<string>;
  /** True when at least one static token is configured. */
  hasTokens: boolean;
  /** The principal a presented bearer token proves, compared in constant time against every entry. */
  match(presented: string): Promise<StaticMatch>;
}

/** The static principals of one load, their digests computed once. */
export function createPrincipalSet(loaded: LoadedPrincipals): PrincipalSet {
  const entries = loaded.entries.map((e) => ({
    principal: { name: e.name, scopes: e.scopes, via: "token" } satisfies Principal,
    digest: "sha256" in e.secret ? Promise.resolve(hexBytes(e.secret.sha256)) : sha256(e.secret.token),
  }));
  const digests = Promise.all(entries.map((e) => e.digest));
  return {
    loaded,
    staticNames: new Set(loaded.entries.map((e) => e.name)),
    hasTokens: entries.length > 0,
    async match(presented) {
      const [d, all] = await Promise.all([sha256(presented), digests]);
      // every entry is compared, whatever matched before: the time says nothing about which one did
      const hits: Principal[] = [];
      all.forEach((k, i) => {
        const entry = entries[i];
        if (sameDigest(k, d) && entry) hits.push(entry.principal);
      });
      if (hits.length === 0) return { none: true };
      if (hits.length > 1) return { ambiguous: hits.map((h) => h.name) };
      return { principal: hits[0] as Principal };
    },
  };
}
