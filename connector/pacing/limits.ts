/** One sliding-window budget: at most `limit` requests within any `windowMs` (before timeScale). */
export interface WindowLimit {
  limit: number;
  windowMs: number;
}

/** IB's pacing limits at timeScale 1; every window is multiplied by the pacer's timeScale. */
export interface PacingLimits {
  /** "More than 60 requests within any ten minute period" is a violation (head timestamp requests count too). */
  historical: WindowLimit;
  /**
   * "Six or more requests for the same Contract, Exchange and Tick Type within two seconds" is a violation,
   * so five is the most that may go: the docs' wording, not a looser reading of it.
   */
  historicalSameContract: WindowLimit;
  /** "Identical historical data requests within 15 seconds" is a violation. */
  historicalIdentical: WindowLimit;
  /** IB answers at most 50 open historical requests at once; a Release ends one. */
  historicalOpen: number;
  /**
   * IB documents no number for fundamental data beyond the 50 messages/s, yet the Reuters/Refinitiv
   * back end answers bursts with 430s; one request per second is an assumed, conservative budget that an
   * agent never notices.
   */
  fundamental: WindowLimit;
  /** Same reasoning for news headlines and articles: undocumented, so one per second is assumed. */
  news: WindowLimit;
  /** IB allows at most 10 scanner subscriptions at once (error 420 beyond). */
  scannerSubscriptions: number;
}

export const ibPacingLimits: PacingLimits = {
  historical: { limit: 60, windowMs: 600_000 },
  historicalSameContract: { limit: 5, windowMs: 2_000 },
  historicalIdentical: { limit: 1, windowMs: 15_000 },
  historicalOpen: 50,
  fundamental: { limit: 1, windowMs: 1_000 },
  news: { limit: 1, windowMs: 1_000 },
  scannerSubscriptions: 10,
};
