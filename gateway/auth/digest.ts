const encoder = new TextEncoder();

/** SHA-256 of a string with Web Crypto, not node:crypto, so the same check runs on every runtime the gateway serves on. */
export const sha256 = async (s: string) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(s)));

/** 64 hex digits as bytes (the principals file's token_sha256, already validated). */
export function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Equal-length digests compared without an early exit: the time taken says nothing about where they differ. */
export function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
