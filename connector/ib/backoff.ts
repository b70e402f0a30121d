export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Source of jitter in [0, 1); injectable so tests can pin it. */
  random?: () => number;
}

/**
 * Delay before reconnect attempt `failures` (0 after the first failure): exponential, capped at maxMs, with
 * "equal jitter" (half fixed, half random) so a fleet restarted together does not reconnect in lockstep
 * and a delay is never zero.
 */
export function backoffDelay(
  failures: number,
  { baseMs, maxMs, random = Math.random }: BackoffOptions,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(failures, 0), 30));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
