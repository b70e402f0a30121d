import { EventName, type NewsProvider } from "@stoqey/ib";
import type { Article, IbClient, NewsProviderInfo } from "../client-types.ts";
import { byReqId, type Call, describe, type Handler } from "../request.ts";

/** News providers, headlines and articles, paced together as IB's news requests. */
export function newsRequests(
  call: Call,
): Pick<IbClient, "newsProviders" | "historicalNews" | "newsArticle" | "newsProviderList"> {
  return {
    newsProviders(scope) {
      return call("news providers", { kind: "news" }, scope, (link) =>
        byReqId<string[]>(link, scope, "news providers", (_reqId, done) => ({
          events: [
            [
              EventName.newsProviders,
              ((list: NewsProvider[]) =>
                done(list.map((p) => p.providerCode ?? "").filter(Boolean))) as Handler,
            ],
          ],
          send: () => link.raw.reqNewsProviders(),
        })),
      );
    },

    historicalNews(c, q, scope) {
      return call(describe(c), { kind: "news" }, scope, (link) =>
        byReqId<Article[]>(link, scope, describe(c), (reqId, done) => {
          const articles: Article[] = [];
          const onNews = (
            id: number,
            time: string,
            providerCode: string,
            articleId: string,
            headline: string,
          ) => {
            if (id === reqId) articles.push({ time, providerCode, articleId, headline });
          };
          const onEnd = (id: number) => id === reqId && done(articles);
          return {
            events: [
              [EventName.historicalNews, onNews as Handler],
              [EventName.historicalNewsEnd, onEnd as Handler],
            ],
            send: () =>
              link.raw.reqHistoricalNews(reqId, c.conId, q.providerCodes, q.start, q.end, q.maxCount, []),
          };
        }),
      );
    },

    newsArticle(providerCode, articleId, scope) {
      const subject = `article ${articleId} of ${providerCode}`;
      return call(subject, { kind: "news" }, scope, (link) =>
        byReqId<{ articleType: "text" | "binary"; text: string }>(link, scope, subject, (reqId, done) => ({
          events: [
            [
              EventName.newsArticle,
              ((id: number, type: number, text: string) =>
                id === reqId && done({ articleType: type === 1 ? "binary" : "text", text })) as Handler,
            ],
          ],
          send: () => link.raw.reqNewsArticle(reqId, providerCode, articleId, []),
        })),
      );
    },

    newsProviderList(scope) {
      return call("news providers", { kind: "news" }, scope, (link) =>
        byReqId<NewsProviderInfo[]>(link, scope, "news providers", (_reqId, done) => ({
          events: [
            [
              EventName.newsProviders,
              ((list: NewsProvider[]) =>
                done(
                  list
                    .filter((p) => p.providerCode)
                    .map((p) => ({ code: p.providerCode ?? "", name: p.providerName ?? "" })),
                )) as Handler,
            ],
          ],
          send: () => link.raw.reqNewsProviders(),
        })),
      );
    },
  };
}
