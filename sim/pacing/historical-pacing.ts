/** What identifies a historical request for IB's pacing rules. */
export interface HistoricalKey {
  /** Every parameter of the request: two equal identities are "identical requests". */
  identity: string;
  /** Contract, exchange and tick type (whatToShow): the "same contract" rule's key. */
  contract: string;
}

/** IB's historical data limits; windows are multiplied by timeScale. */
export const HISTORICAL_LIMITS = {
  perWindow: 60,
  windowMs: 600_000,
  identicalMs: 15_000,
  sameContract: 6,
  sameContractMs: 2_000,
} as const;

/**
 * IB's three historical pacing rules: at most 60 requests in 10 minutes, no identical request
 * within 15 s, at most 6 requests for one contract/exchange/tick type within 2 s. Only accepted
 * requests count toward the windows.
 */
export class HistoricalPacing {
  private accepted: Array<{ at: number; key: HistoricalKey }> = [];

  constructor(private readonly timeScale: number) {}

  /** Returns the violated rule's text, or undefined (and records the request) when it may go. */
  check(key: HistoricalKey, now: number): string | undefined {
    const s = this.timeScale;
    const window = HISTORICAL_LIMITS.windowMs * s;
    this.accepted = this.accepted.filter((a) => now - a.at < window);
    if (this.accepted.length >= HISTORICAL_LIMITS.perWindow) {
      return `more than ${HISTORICAL_LIMITS.perWindow} requests within ${window / 1000}s`;
    }
    if (
      this.accepted.some(
        (a) => a.key.identity === key.identity && now - a.at < HISTORICAL_LIMITS.identicalMs * s,
      )
    ) {
      return `identical request within ${(HISTORICAL_LIMITS.identicalMs * s) / 1000}s`;
    }
    const same = this.accepted.filter(
      (a) => a.key.contract === key.contract && now - a.at < HISTORICAL_LIMITS.sameContractMs * s,
    ).length;
    if (same >= HISTORICAL_LIMITS.sameContract) {
      return `more than ${HISTORICAL_LIMITS.sameContract} requests for the same contract within ${(HISTORICAL_LIMITS.sameContractMs * s) / 1000}s`;
    }
    this.accepted.push({ at: now, key });
    return undefined;
  }
}
