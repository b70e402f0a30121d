import type { Market } from "../market/market.ts";
import { fundamentalsOf } from "./fundamentals.ts";
import type { Instrument } from "./instrument.ts";
import type { Quote } from "./quotes.ts";

/** The scan codes the simulator ranks by, each a score (higher ranks first) and who qualifies. */
const SCANS: Record<string, { score(q: Quote): number; keep?(q: Quote): boolean }> = {
  TOP_PERC_GAIN: { score: (q) => change(q.last, q.close), keep: (q) => q.last > q.close },
  TOP_PERC_LOSE: { score: (q) => -change(q.last, q.close), keep: (q) => q.last < q.close },
  TOP_OPEN_PERC_GAIN: { score: (q) => change(q.last, q.open), keep: (q) => q.last > q.open },
  TOP_OPEN_PERC_LOSE: { score: (q) => -change(q.last, q.open), keep: (q) => q.last < q.open },
  MOST_ACTIVE: { score: (q) => q.volume },
  MOST_ACTIVE_USD: { score: (q) => q.volume * q.last },
  // no average volume in the simulator: "hot" is the volume behind the day's move
  HOT_BY_VOLUME: { score: (q) => q.volume * Math.abs(change(q.last, q.close)) },
};

export const SCAN_CODES: readonly string[] = Object.keys(SCANS);

/** The locations the simulator scans, all over its US stocks and ETFs. */
export const SCAN_LOCATIONS: readonly string[] = [
  "STK.US.MAJOR",
  "STK.US",
  "STK.NASDAQ",
  "STK.NYSE",
  "STK.ARCA",
];

function change(now: number, base: number): number {
  return base > 0 ? (now - base) / base : 0;
}

/** What one scanner subscription asks for; 0 (IB's empty field) leaves a filter off. */
export interface ScanRequest {
  scanCode: string;
  locationCode: string;
  numberOfRows: number;
  abovePrice: number;
  belowPrice: number;
  aboveVolume: number;
  /** Millions of USD, as IB's marketCapAbove. */
  marketCapAbove: number;
  marketCapBelow: number;
  /** IB's stockTypeFilter: ALL, CORP (common stock) or ETF. */
  stockTypeFilter: string;
}

const primaryOf: Record<string, string> = { "STK.NASDAQ": "NASDAQ", "STK.NYSE": "NYSE", "STK.ARCA": "ARCA" };

function passes(i: Instrument, q: Quote, r: ScanRequest): boolean {
  const primary = primaryOf[r.locationCode];
  if (primary && i.primaryExchange !== primary) return false;
  if (r.abovePrice && !(q.last > r.abovePrice)) return false;
  if (r.belowPrice && !(q.last < r.belowPrice)) return false;
  if (r.aboveVolume && !(q.volume > r.aboveVolume)) return false;
  const type = r.stockTypeFilter.toUpperCase();
  if (type === "ETF" && i.stockType !== "ETF") return false;
  if (type === "CORP" && i.stockType === "ETF") return false;
  if (r.marketCapAbove || r.marketCapBelow) {
    if (i.stockType === "ETF") return false;
    const capMillions = (fundamentalsOf(i).marketCap / i.price) * q.last * 1e-6;
    if (r.marketCapAbove && !(capMillions > r.marketCapAbove)) return false;
    if (r.marketCapBelow && !(capMillions < r.marketCapBelow)) return false;
  }
  return true;
}

/** The universe's US stocks and ETFs ranked by the scan code at `t` on the market's one price path. */
export function runScan(market: Market, instruments: readonly Instrument[], r: ScanRequest): Instrument[] {
  const scan = SCANS[r.scanCode];
  if (!scan) return [];
  const t = market.now();
  return instruments
    .filter((i) => i.secType === "STK" && i.currency === "USD")
    .map((i) => ({ i, q: market.quote(i, t) }))
    .filter(({ i, q }) => (scan.keep?.(q) ?? true) && passes(i, q, r))
    .map(({ i, q }) => ({ i, score: scan.score(q) }))
    .sort((a, b) => b.score - a.score || a.i.conId - b.i.conId)
    .slice(0, Math.max(1, Math.min(50, r.numberOfRows || 50)))
    .map(({ i }) => i);
}
