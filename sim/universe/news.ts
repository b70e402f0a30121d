import { hash32 } from "./hash.ts";
import type { Instrument } from "./instrument.ts";

/** News providers as reqNewsProviders lists them. */
export const NEWS_PROVIDERS = [
  { providerCode: "BRFG", providerName: "Briefing.com General Market Columns" },
  { providerCode: "BRFUPDN", providerName: "Briefing.com Analyst Actions" },
  { providerCode: "DJNL", providerName: "Dow Jones Newsletters" },
] as const;

/** One historical headline. */
export interface Headline {
  conId: number;
  /** ms since epoch. */
  time: number;
  providerCode: string;
  articleId: string;
  headline: string;
}

const TEMPLATES = [
  "{S} shares rise after {N} beats quarterly estimates",
  "Analyst upgrades {S} to Buy, raises target",
  "{N} announces new product line",
  "{S} trades lower in early session",
  "Options traders eye {S} ahead of earnings",
  "{N} declares quarterly dividend",
  "{S} added to momentum watch list",
  "Analyst downgrades {S} to Hold on valuation",
  "{N} to present at industry conference",
  "{S} sees unusual call volume",
  "{N} reaffirms full-year guidance",
  "Sector rotation weighs on {S}",
];

/** Headlines per instrument per day. */
export const HEADLINES_PER_DAY = 6;

/** The headlines of one instrument for the `days` UTC days before `now`'s day, newest first; stable within a day. */
export function headlinesFor(i: Instrument, now: number, days = 5): Headline[] {
  const today = Math.floor(now / 86_400_000) * 86_400_000;
  const out: Headline[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = today - (d + 1) * 86_400_000;
    for (let k = HEADLINES_PER_DAY - 1; k >= 0; k--) {
      const h = hash32(`news:${i.conId}:${dayStart}:${k}`);
      const provider = NEWS_PROVIDERS[h % NEWS_PROVIDERS.length]!;
      const template = TEMPLATES[(h >>> 8) % TEMPLATES.length]!;
      out.push({
        conId: i.conId,
        time: dayStart + (13 + k * 1.5) * 3_600_000 + ((h >>> 16) % 60) * 60_000,
        providerCode: provider.providerCode,
        articleId: `${provider.providerCode}$${h.toString(16).padStart(8, "0")}`,
        headline: template.replaceAll("{S}", i.symbol).replaceAll("{N}", i.longName),
      });
    }
  }
  return out;
}

/** IB's headline time format, "yyyy-MM-dd HH:mm:ss.0" (UTC). */
export function formatNewsTime(t: number): string {
  return `${new Date(t).toISOString().slice(0, 19).replace("T", " ")}.0`;
}

/** The article body of a headline (plain text, IB article type 0). */
export function articleText(h: Headline, i: Instrument): string {
  return `${h.headline}\n\n${formatNewsTime(h.time)} (${h.providerCode}) -- ${i.longName} (${i.symbol}) was in focus today. This is a simulated article generated deterministically for testing; it carries no investment information.`;
}
