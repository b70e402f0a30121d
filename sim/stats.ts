import { z } from "zod";

export const SimStats = z.object({
  connections: z.object({
    active: z.number().int(),
    total: z.number().int(),
    /** Connections currently open per clientId (after startApi). */
    byClientId: z.record(z.string(), z.number().int()),
    /** The most connections ever open at once per clientId. */
    peakByClientId: z.record(z.string(), z.number().int()),
  }),
  /** Client messages received, keyed by request name (e.g. "reqHistoricalData"). */
  requests: z.record(z.string(), z.number().int()),
  /** Error messages sent, keyed by IB error code (e.g. "162"). */
  errorsSent: z.record(z.string(), z.number().int()),
});
export type SimStats = z.infer<typeof SimStats>;

/** Mutable counters behind SimStats. */
export class StatsCounter {
  private total = 0;
  private active = 0;
  private byClientId = new Map<number, number>();
  private peak = new Map<number, number>();
  private requests = new Map<string, number>();
  private errors = new Map<string, number>();

  connectionOpened(): void {
    this.total++;
    this.active++;
  }

  connectionClosed(): void {
    this.active--;
  }

  clientIdBound(clientId: number): void {
    const n = (this.byClientId.get(clientId) ?? 0) + 1;
    this.byClientId.set(clientId, n);
    this.peak.set(clientId, Math.max(this.peak.get(clientId) ?? 0, n));
  }

  clientIdReleased(clientId: number): void {
    const n = (this.byClientId.get(clientId) ?? 0) - 1;
    if (n <= 0) this.byClientId.delete(clientId);
    else this.byClientId.set(clientId, n);
  }

  request(name: string): void {
    this.requests.set(name, (this.requests.get(name) ?? 0) + 1);
  }

  errorSent(code: number): void {
    const k = String(code);
    this.errors.set(k, (this.errors.get(k) ?? 0) + 1);
  }

  /** Clears request and error counts and the peaks (peaks restart from what is open now). */
  reset(): void {
    this.total = this.active;
    this.requests.clear();
    this.errors.clear();
    this.peak = new Map(this.byClientId);
  }

  snapshot(): SimStats {
    const rec = <K>(m: Map<K, number>) => Object.fromEntries([...m].map(([k, v]) => [String(k), v]));
    return {
      connections: {
        active: this.active,
        total: this.total,
        byClientId: rec(this.byClientId),
        peakByClientId: rec(this.peak),
      },
      requests: rec(this.requests),
      errorsSent: rec(this.errors),
    };
  }
}
