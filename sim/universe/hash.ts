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

/**
 * The simulator's own conIds: 1,500,000,000 up to IB's int32 ceiling. IB numbers contracts sequentially and
 * its newest ids are still below 1,000,000,000, so ids in this range never name a real IB contract.
 */
export const SIM_CONID_MIN = 1_500_000_000;
export const SIM_CONID_SPAN = 2_147_483_647 - SIM_CONID_MIN;

/** A stable conId for an instrument without a documented IB conId (stock, future, option, bond). */
export function derivedConId(key: string): number {
  return SIM_CONID_MIN + (hash32(key) % SIM_CONID_SPAN);
}
