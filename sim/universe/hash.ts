/** FNV-1a 32-bit hash of a string; the seed of everything deterministic in the universe. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A uniform number in [0, 1) fixed by the key. */
export function unit(key: string): number {
  return hash32(key) / 0x100000000;
}

/** A stable conId for a derived contract (future, option, bond); kept above IB's stock ids range. */
export function derivedConId(key: string): number {
  return 700_000_000 + (hash32(key) % 290_000_000);
}
