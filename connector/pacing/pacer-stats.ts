import type { Capacity, PacedKind, PacerStats, PrincipalPacing, Waiter } from "./types.ts";

const kinds: readonly PacedKind[] = ["historical", "marketData", "fundamental", "news", "scanner", "general"];
const perKind = (): Record<PacedKind, number> =>
  Object.fromEntries(kinds.map((k) => [k, 0])) as Record<PacedKind, number>;

export interface PacerCounters {
  count(w: Waiter, outcome: "granted" | "rejected"): void;
  stats(queued: readonly Waiter[], held: Readonly<Record<Capacity, number>>): PacerStats;
}

/** The pacer's counts by kind and by principal label (the label keeps metrics bounded whoever calls). */
export function createPacerCounters(labelOf: (principal: string) => string): PacerCounters {
  const granted = perKind();
  const rejected = perKind();
  const byLabel = new Map<string, { granted: number; rejected: number }>();
  return {
    count(w, outcome) {
      (outcome === "granted" ? granted : rejected)[w.req.kind]++;
      const label = labelOf(w.principal);
      const c = byLabel.get(label) ?? { granted: 0, rejected: 0 };
      c[outcome]++;
      byLabel.set(label, c);
    },
    stats(queued, held) {
      const waitingByKind = perKind();
      const byPrincipal: Record<string, PrincipalPacing> = {};
      for (const [label, c] of byLabel) byPrincipal[label] = { queued: 0, ...c };
      for (const w of queued) {
        waitingByKind[w.req.kind]++;
        const label = labelOf(w.principal);
        byPrincipal[label] ??= { queued: 0, granted: 0, rejected: 0 };
        byPrincipal[label].queued++;
      }
      return {
        queued: queued.length,
        waitingByKind,
        granted: { ...granted },
        rejected: { ...rejected },
        marketDataLinesInUse: held.marketDataLines,
        historicalOpen: held.historicalOpen,
        byPrincipal,
      };
    },
  };
}
