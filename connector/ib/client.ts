import {
  type BarSizeSetting,
  type Contract,
  EventName,
  type IBApi,
  IBApiNextError,
  isNonFatalError,
  type NewsProvider,
  type SecType,
  type WhatToShow,
} from "@stoqey/ib";
import { type Observable, take } from "rxjs";
import { IbMcpError } from "../../shared/errors.ts";
import type { ContractSummary } from "../../shared/schemas/fields.ts";
import type { Bar } from "../../shared/schemas/history.ts";
import type { ToolOutput } from "../../shared/tool-def.ts";
import type { getAccountSummary } from "../../shared/tools/get-account-summary.ts";
import type { getHistoricalNews } from "../../shared/tools/get-historical-news.ts";
import type { getPositions } from "../../shared/tools/get-positions.ts";
import { abortable } from "../deadline.ts";
import type { PacedRequest, Pacer } from "../pacing/index.ts";
import {
  type ContractDetails,
  type SymbolMatch,
  toBar,
  toContractDetails,
  toContractSummary,
  toIbContract,
  toSymbolMatch,
} from "./convert.ts";
import { ibErrorToIbMcp } from "./ib-errors.ts";
import type { IbLink } from "./link.ts";
import type { IbSession } from "./session.ts";

/** The caller's deadline, carried by every request. */
export interface RequestScope {
  signal: AbortSignal;
  deadlineAt: number;
}

/** An instrument as the tools name it: a conId, or a symbol with type, exchange and currency. */
export interface ContractQuery {
  conId?: number;
  symbol?: string;
  secType: string;
  exchange: string;
  currency: string;
}

export interface HistoryRequest {
  duration: string;
  barSize: string;
  whatToShow: string;
  useRth: boolean;
}

export interface NewsQuery {
  providerCodes: string;
  /** IB format: "yyyy-MM-dd HH:mm:ss.0". */
  start: string;
  end: string;
  maxCount: number;
}

export type Article = ToolOutput<typeof getHistoricalNews>["articles"][number];
export type AccountSummary = ToolOutput<typeof getAccountSummary>["accounts"];
export type Positions = ToolOutput<typeof getPositions>["positions"];

/** The IB requests handlers use, in the catalogue's shapes; only this layer knows @stoqey/ib. */
export interface IbClient {
  contractDetails(q: ContractQuery, subject: string, scope: RequestScope): Promise<ContractDetails[]>;
  matchingSymbols(pattern: string, scope: RequestScope): Promise<SymbolMatch[]>;
  historicalBars(c: ContractSummary, req: HistoryRequest, scope: RequestScope): Promise<Bar[]>;
  fundamentalData(c: ContractSummary, reportType: string, scope: RequestScope): Promise<string>;
  newsProviders(scope: RequestScope): Promise<string[]>;
  historicalNews(c: ContractSummary, q: NewsQuery, scope: RequestScope): Promise<Article[]>;
  newsArticle(
    providerCode: string,
    articleId: string,
    scope: RequestScope,
  ): Promise<{ articleType: "text" | "binary"; text: string }>;
  accountSummary(tags: string, scope: RequestScope): Promise<AccountSummary>;
  positions(scope: RequestScope): Promise<Positions>;
}

function describe(c: ContractSummary): string {
  return `${c.symbol || c.conId} (conId ${c.conId})`;
}

/** Any failure of an IB call as an IbMcpError; `subject` names the instrument in the message. */
function toRequestError(err: unknown, subject: string): IbMcpError {
  if (err instanceof IbMcpError) return err;
  if (err instanceof IBApiNextError) return ibErrorToIbMcp(err.code, err.error.message, subject);
  return new IbMcpError("INTERNAL", `IB request for ${subject} failed unexpectedly`, { cause: err });
}

type Handler = NonNullable<Parameters<IBApi["removeListener"]>[1]>;

interface ByReqIdSpec<T> {
  events: Array<[EventName, Handler]>;
  send(): void;
  cancel?(): void;
  /** Called by handlers when the answer is complete. */
  done?: (value: T) => void;
}

/**
 * One request IBApiNext does not offer (or cannot cancel), matched to its replies by reqId on the raw IBApi.
 * The reqId comes from IBApiNext's counter, so the two never collide. On abort IB's cancel is sent.
 */
function byReqId<T>(
  link: IbLink,
  scope: RequestScope,
  subject: string,
  setup: (reqId: number, done: (value: T) => void) => ByReqIdSpec<T>,
): Promise<T> {
  const reqId = link.next.nextReqId;
  return new Promise<T>((resolve, reject) => {
    let finished = false;
    const finish = (settle: () => void) => {
      if (finished) return;
      finished = true;
      for (const [event, handler] of spec.events) link.raw.removeListener(event, handler);
      link.raw.off(EventName.error, onError);
      scope.signal.removeEventListener("abort", onAbort);
      settle();
    };
    const spec = setup(reqId, (value) => finish(() => resolve(value)));
    const onError = (err: Error, code: number, id: number) => {
      if (id !== reqId || isNonFatalError(code, err)) return;
      finish(() => reject(ibErrorToIbMcp(code, err.message, subject)));
    };
    const onAbort = () => {
      spec.cancel?.();
      finish(() => reject(scope.signal.reason));
    };
    if (scope.signal.aborted) {
      reject(scope.signal.reason);
      return;
    }
    for (const [event, handler] of spec.events) link.raw.addListener(event, handler);
    link.raw.on(EventName.error, onError);
    scope.signal.addEventListener("abort", onAbort, { once: true });
    spec.send();
  });
}

/** The IB client over a session: every call is paced, bounded by the caller's deadline, and failed on disconnect. */
export function createIbClient(currentSession: () => IbSession, pacer: Pacer): IbClient {
  async function call<T>(
    subject: string,
    paced: PacedRequest,
    scope: RequestScope,
    work: (link: IbLink) => Promise<T>,
  ): Promise<T> {
    currentSession().link(); // fail fast while IB is down, before queueing in the pacer
    const release = await pacer.acquire(paced, scope.deadlineAt, scope.signal);
    try {
      // the session may have dropped or been replaced while the pacer held us
      const session = currentSession();
      const link = session.link();
      const running = work(link).catch((err: unknown) => {
        throw toRequestError(err, subject);
      });
      return await session.inFlight.run(abortable(running, scope.signal));
    } finally {
      release();
    }
  }

  const general: PacedRequest = { kind: "general" };

  return {
    contractDetails(q, subject, scope) {
      const contract: Contract =
        q.conId !== undefined
          ? { conId: q.conId }
          : {
              symbol: q.symbol,
              secType: q.secType as SecType,
              exchange: q.exchange,
              currency: q.currency,
            };
      return call(subject, general, scope, async (link) =>
        (await link.next.getContractDetails(contract)).map(toContractDetails),
      );
    },

    matchingSymbols(pattern, scope) {
      return call(`'${pattern}'`, general, scope, async (link) =>
        (await link.next.getMatchingSymbols(pattern)).map(toSymbolMatch),
      );
    },

    historicalBars(c, req, scope) {
      const key = [c.conId, c.exchange, req.duration, req.barSize, req.whatToShow, req.useRth].join("|");
      const paced: PacedRequest = {
        kind: "historical",
        key,
        contractKey: [c.conId, c.exchange ?? "", req.whatToShow].join("|"),
        // IB counts a BID_ASK request twice against the historical limits
        weight: req.whatToShow === "BID_ASK" ? 2 : 1,
      };
      return call(describe(c), paced, scope, (link) =>
        byReqId<Bar[]>(link, scope, describe(c), (reqId, done) => {
          const bars: Bar[] = [];
          const onBar = (
            id: number,
            time: string,
            open: number,
            high: number,
            low: number,
            close: number,
            volume: number,
            count: number | undefined,
            wap: number,
          ) => {
            if (id !== reqId) return;
            if (time.startsWith("finished")) return done(bars);
            const bar = toBar({ time, open, high, low, close, volume, count, WAP: wap });
            if (bar) bars.push(bar);
          };
          return {
            events: [[EventName.historicalData, onBar as Handler]],
            send: () =>
              link.raw.reqHistoricalData(
                reqId,
                toIbContract(c),
                "",
                req.duration,
                req.barSize as BarSizeSetting,
                req.whatToShow as WhatToShow,
                req.useRth ? 1 : 0,
                2,
                false,
              ),
            cancel: () => link.raw.cancelHistoricalData(reqId),
          };
        }),
      );
    },

    fundamentalData(c, reportType, scope) {
      return call(describe(c), { kind: "fundamental" }, scope, (link) =>
        byReqId<string>(link, scope, describe(c), (reqId, done) => ({
          events: [
            [
              EventName.fundamentalData,
              ((id: number, data: string) => id === reqId && done(data)) as Handler,
            ],
          ],
          send: () => link.raw.reqFundamentalData(reqId, toIbContract(c), reportType, []),
          cancel: () => link.raw.cancelFundamentalData(reqId),
        })),
      );
    },

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

    accountSummary(tags, scope) {
      return call("account summary", general, scope, (link) =>
        firstValue(link.next.getAccountSummary("All", tags), scope).then((update) =>
          [...update.all].map(([account, byTag]) => ({
            account,
            values: [...byTag].flatMap(([tag, byCurrency]) =>
              [...byCurrency].map(([currency, v]) => ({ tag, value: v.value, currency })),
            ),
          })),
        ),
      );
    },

    positions(scope) {
      return call("positions", general, scope, (link) =>
        firstValue(link.next.getPositions(), scope).then((update) =>
          [...update.all].flatMap(([account, list]) =>
            list.map((p) => ({
              account,
              contract: toContractSummary(p.contract),
              position: p.pos,
              avgCost: p.avgCost ?? 0,
            })),
          ),
        ),
      );
    },
  };
}

/** The first value of an IBApiNext subscription; unsubscribing (IB's cancel) on abort or after it. */
function firstValue<T>(source: Observable<T>, scope: RequestScope): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const sub = source.pipe(take(1)).subscribe({ next: resolve, error: reject });
    scope.signal.addEventListener("abort", () => sub.unsubscribe(), { once: true });
  });
}
