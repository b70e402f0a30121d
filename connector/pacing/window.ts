/**
 * Sliding-window arithmetic on a sorted list of send times. A list is valid when every half-open span
 * [x, x + spanMs) holds at most `limit` sends; `spanMs` is the rule's window plus the safety margin.
 */

/** Index of the first element >= value (or > value when `strict`). */
function lowerBound(sorted: readonly number[], value: number, strict = false): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v < value || (strict && v === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts `weight` copies of `value` keeping the list sorted. */
export function insertSorted(sorted: number[], value: number, weight = 1): void {
  const at = lowerBound(sorted, value, true);
  sorted.splice(at, 0, ...Array<number>(weight).fill(value));
}

/** Drops sends that can no longer share a window with any send at or after `now`. */
export function prune(sorted: number[], now: number, spanMs: number): void {
  const keepFrom = lowerBound(sorted, now - spanMs, true);
  if (keepFrom > 0) sorted.splice(0, keepFrom);
}

/** True when `weight` sends at `at` keep every window of the (valid) list within `limit`. */
export function fits(sorted: readonly number[], at: number, weight: number, limit: number, spanMs: number) {
  if (weight > limit) return false;
  // Cheap necessary test first: the window that ends at `at`.
  const endWindowFrom = lowerBound(sorted, at - spanMs, true);
  const endWindowTo = lowerBound(sorted, at, true);
  if (endWindowTo - endWindowFrom + weight > limit) return false;
  // Only windows that contain `at` can break, and those start within (at - spanMs, at].
  const near = sorted.slice(endWindowFrom, lowerBound(sorted, at + spanMs));
  insertSorted(near, at, weight);
  let j = 0;
  for (let i = 0; i < near.length && near[i]! <= at; i++) {
    if (j < i) j = i;
    while (j < near.length && near[j]! < near[i]! + spanMs) j++;
    if (j - i > limit) return false;
  }
  return true;
}

/** The earliest time >= `from` at which `weight` sends fit; valid starts are `from` or a send + spanMs. */
export function earliestFit(
  sorted: readonly number[],
  from: number,
  weight: number,
  limit: number,
  spanMs: number,
): number {
  if (fits(sorted, from, weight, limit, spanMs)) return from;
  for (let i = lowerBound(sorted, from - spanMs, true); i < sorted.length; i++) {
    const candidate = sorted[i]! + spanMs;
    if (candidate > from && fits(sorted, candidate, weight, limit, spanMs)) return candidate;
  }
  // Past every send nothing can conflict, so this is unreachable for a weight within the limit.
  return Math.max(from, (sorted.at(-1) ?? from) + spanMs);
}
