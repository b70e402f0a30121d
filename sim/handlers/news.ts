import type { HandlerFn } from "../connection.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";
import { findByConId, universe } from "../universe/instruments.ts";
import {
  articleText,
  formatNewsTime,
  type Headline,
  headlinesFor,
  NEWS_PROVIDERS,
} from "../universe/news.ts";

/** Days of headlines kept per instrument. */
const NEWS_DAYS = 10;
/** IB's cap on totalResults. */
const MAX_RESULTS = 300;

export const reqNewsProviders: HandlerFn = (conn) => {
  conn.send(
    ServerMsg.newsProviders,
    NEWS_PROVIDERS.length,
    ...NEWS_PROVIDERS.flatMap((p) => [p.providerCode, p.providerName]),
  );
};

function parseNewsTime(s: string): number | undefined {
  const v = s.trim();
  if (!v) return undefined;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:[ T-](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(v);
  if (!m) return Number.NaN;
  return Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
  );
}

/** reqHistoricalNews: headlines for a conId from the chosen providers, newest first, within [start, end]. */
export const reqHistoricalNews: HandlerFn = (conn, r) => {
  const reqId = r.int();
  const conId = r.int();
  const providers = new Set(
    r
      .str()
      .split("+")
      .map((p) => p.trim().toUpperCase())
      .filter(Boolean),
  );
  const start = parseNewsTime(r.str());
  const end = parseNewsTime(r.str());
  const total = Math.min(MAX_RESULTS, Math.max(1, r.int()));
  const instrument = findByConId(conId);
  if (!instrument) return conn.error(reqId, 200, "No security definition has been found for the request");
  if (Number.isNaN(start) || Number.isNaN(end)) {
    return conn.error(
      reqId,
      321,
      "Error validating request:-'bN' : cause - Invalid date format; use \"yyyy-MM-dd HH:mm:ss\"",
    );
  }
  const unknown = [...providers].filter((p) => !NEWS_PROVIDERS.some((n) => n.providerCode === p));
  if (providers.size === 0 || unknown.length > 0) {
    return conn.error(
      reqId,
      10276,
      `News feed is not allowed: ${unknown.join("+") || "(none given)"}; use ${NEWS_PROVIDERS.map((p) => p.providerCode).join("+")}`,
    );
  }
  const hits = headlinesFor(instrument, conn.core.market.now(), NEWS_DAYS).filter(
    (h) =>
      providers.has(h.providerCode) &&
      (start === undefined || h.time >= start) &&
      (end === undefined || h.time <= end),
  );
  for (const h of hits.slice(0, total)) {
    conn.send(
      ServerMsg.historicalNews,
      reqId,
      formatNewsTime(h.time),
      h.providerCode,
      h.articleId,
      h.headline,
    );
  }
  conn.send(ServerMsg.historicalNewsEnd, reqId, hits.length > total);
};

let index: { day: string; byId: Map<string, Headline> } | undefined;

/** Every article id of the days reqHistoricalNews serves at `now` (the simulated clock, so a replay's news). */
function articleIndex(now: number): Map<string, Headline> {
  const u = universe();
  const day = `${u.day}|${new Date(now).toISOString().slice(0, 10)}`;
  if (index?.day !== day) {
    const byId = new Map<string, Headline>();
    for (const i of u.instruments) {
      if (i.secType === "OPT" || i.secType === "FUT") continue;
      for (const h of headlinesFor(i, now, NEWS_DAYS)) byId.set(h.articleId, h);
    }
    index = { day, byId };
  }
  return index.byId;
}

/** reqNewsArticle: the article text (type 0) for an id from reqHistoricalNews; 10172 when unknown. */
export const reqNewsArticle: HandlerFn = (conn, r) => {
  const reqId = r.int();
  const providerCode = r.str().toUpperCase();
  const articleId = r.str();
  const h = articleIndex(conn.core.market.now()).get(articleId);
  const instrument = h && findByConId(h.conId);
  if (!h || !instrument || h.providerCode !== providerCode) {
    return conn.error(
      reqId,
      10172,
      `Failed to request news article: No data available for ${providerCode} ${articleId}`,
    );
  }
  conn.send(ServerMsg.newsArticle, reqId, 0, articleText(h, instrument));
};
