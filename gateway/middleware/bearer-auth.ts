import { sameDigest, sha256 } from "../auth/digest.ts";

/**
 * A verifier that compares SHA-256 digests in constant time against every token, so neither the length nor the
 * position of a match leaks through timing.
 */
export function tokenVerifier(tokens: readonly string[]): (presented: string) => Promise<boolean> {
  const known = Promise.all(tokens.map(sha256));
  return async (presented) => {
    const [d, all] = await Promise.all([sha256(presented), known]);
    let ok = false;
    for (const k of all) ok = sameDigest(k, d) || ok;
    return ok;
  };
}
