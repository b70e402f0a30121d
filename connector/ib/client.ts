import {
  type BarSizeSetting,
  type CommissionReport,
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
import type { DataType, OptionGreeks, QuoteFields } from "../../shared/schemas/market-data.ts";
import type { ToolOutput } from "../../shared/tool-def.ts";
import type { getAccountSummary } from "../../shared/tools/get-account-summary.ts";
import type { getExecutions } from "../../shared/tools/get-executions.ts";
import type { getHistoricalNews } from "../../shared/tools/get-historical-news.ts";
import type { getNewsProviders } from "../../shared/tools/get-news-providers.ts";
import type { getOpenOrders } from "../../shared/tools/get-open-orders.ts";
import type { getOptionChain } from "../../shared/tools/get-option-chain.ts";
import type { getPortfolio } from "../../shared/tools/get-portfolio.ts";
import type { getPositions } from "../../shared/tools/get-positions.ts";
import { abortable } from "../deadline.ts";
import type { PacedRequest, Pacer } from "../pacing/index.ts";
import { createRequestCache } from "../request-cache.ts";
import {
  applyPriceTick,
  applySizeTick,
  type ContractDetails,
  compact,
  dataTypeOf,
  ibNumber,
  ibString,
  marketDataTypeIds,
  modelOptionTicks,
  type SymbolMatch,
  toBar,
  toContractDetails,
  toContractSummary,
  toIbContract,
  toOptionGreeks,
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
  /** Option fields, to pick one contract of a chain. */
  lastTradeDateOrContractMonth?: string;
  strike?: number;
  right?: "C" | "P";
  tradingClass?: string;
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
export type PortfolioItem = ToolOutput<typeof getPortfolio>["items"][number];
export type OpenOrder = ToolOutput<typeof getOpenOrders>["orders"][number];
export type Execution = ToolOutput<typeof getExecutions>["executions"][number];
export type NewsProviderInfo = ToolOutput<typeof getNewsProviders>["providers"][number];
/** One row of secDefOptParams, before the tool's strike bounds and paging. */
export type OptionParams = Omit<ToolOutput<typeof getOptionChain>["chains"][number], "totalStrikes">;

/** One market data snapshot: the kind of data IB sent, the quote fields and, for options, the model greeks. */
export interface Snapshot {
  dataType: DataType;
  fields: QuoteFields;
  greeks?: OptionGreeks;
}

export interface PnlValues {
  dailyPnL?: number;
  unrealizedPnL?: number;
  realizedPnL?: number;
}

/**
 * How a snapshot is taken: IB's one-shot snapshot, or a brief streaming subscription cancelled once the quote is
 * complete (IB serves delayed option data only as a stream).
 */
export type SnapshotMethod = "snapshot" | "stream";

/** A brief stream stops this long after the quote became complete, to take the ticks IB sends with it. */
const STREAM_SETTLE_MS = 250;
/** A brief stream that never completes is cancelled after this; its ticks so far are the answer. */
const STREAM_MAX_MS = 4_000;

/** IB ends a snapshot with tickSnapshotEnd within 11 s; past this the ticks received so far are the answer. */
export const SNAPSHOT_MAX_MS = 12_000;
/** What a snapshot needs after its line is granted; the pacer wait of a snapshot ends this long before its deadline. */
const SNAPSHOT_RESERVE_MS = 500;

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
  /** One snapshot holding a market data line while it runs; identical concurrent snapshots share one request. */
  marketDataSnapshot(
    c: ContractSummary,
    type: DataType,
    scope: RequestScope,
    how?: SnapshotMethod,
  ): Promise<Snapshot>;
  optionParams(underlying: ContractSummary, scope: RequestScope): Promise<OptionParams[]>;
  pnl(account: string, scope: RequestScope): Promise<PnlValues>;
  pnlSingle(
    account: string,
    conId: number,
    scope: RequestScope,
  ): Promise<PnlValues & { position?: number; value?: number }>;
  /** Positions valued by IB (reqAccountUpdates); one account at a time, as IB allows. */
  portfolio(account: string, scope: RequestScope): Promise<PortfolioItem[]>;
  openOrders(scope: RequestScope): Promise<OpenOrder[]>;
  /** Today's executions joined with their commission reports. */
  executions(scope: RequestScope): Promise<Execution[]>;
  newsProviderList(scope: RequestScope): Promise<NewsProviderInfo[]>;
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
    /** Time the work itself needs: waiting in the pacer stops this long before the deadline. */
    reserveMs = 0,
  ): Promise<T> {
    currentSession().link(); // fail fast while IB is down, before queueing in the pacer
    const release = await pacer.acquire(paced, scope.deadlineAt - reserveMs, scope.signal);
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
  const snapshots = createRequestCache<Snapshot>({ ttlMs: 0 });
  // IB streams account updates for one account at a time: portfolio requests take turns
  let accountUpdatesTurn: Promise<unknown> = Promise.resolve();

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
              lastTradeDateOrContractMonth: q.lastTradeDateOrContractMonth,
              strike: q.strike,
              right: q.right as Contract["right"],
              tradingClass: q.tradingClass || undefined,
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

    marketDataSnapshot(c, type, scope, how = "snapshot") {
      const key = [c.conId, c.exchange ?? "", type, how].join("|");
      const streaming = how === "stream";
      return snapshots.get(key, () =>
        call(
          describe(c),
          { kind: "marketData" },
          scope,
          (link) =>
            byReqId<Snapshot>(link, scope, describe(c), (reqId, done) => {
              const snap: Snapshot = { dataType: type, fields: {} };
              let settle: NodeJS.Timeout | undefined;
              const finish = () => {
                clearTimeout(timer);
                clearTimeout(settle);
                // a stream holds its line until cancelled; IB frees a snapshot's line by itself
                if (streaming) link.raw.cancelMktData(reqId);
                done(snap);
              };
              const timer = setTimeout(finish, streaming ? STREAM_MAX_MS : SNAPSHOT_MAX_MS);
              timer.unref(); // after an error the request is over; the timer must not hold the process
              const complete = () =>
                (snap.fields.last !== undefined ||
                  (snap.fields.bid !== undefined && snap.fields.ask !== undefined)) &&
                (c.secType !== "OPT" || snap.greeks !== undefined);
              const progressed = () => {
                if (streaming && settle === undefined && complete())
                  settle = setTimeout(finish, STREAM_SETTLE_MS);
              };
              const onType = (id: number, t: number) => {
                if (id === reqId) snap.dataType = dataTypeOf(t);
              };
              const onPrice = (id: number, field: number, value: number) => {
                if (id !== reqId) return;
                applyPriceTick(snap.fields, field, value);
                progressed();
              };
              const onSize = (id: number, field: number | undefined, value: number | undefined) => {
                if (id === reqId && field !== undefined) applySizeTick(snap.fields, field, value);
              };
              const onOption = (
                id: number,
                field: number,
                _attrib: number | undefined,
                impliedVol?: number,
                delta?: number,
                optPrice?: number,
                _pvDividend?: number,
                gamma?: number,
                vega?: number,
                theta?: number,
                undPrice?: number,
              ) => {
                // the model tick wins; bid/ask/last computations only fill in when no model tick came
                if (id !== reqId || (snap.greeks && !modelOptionTicks.has(field))) return;
                snap.greeks = toOptionGreeks({ impliedVol, delta, optPrice, gamma, vega, theta, undPrice });
                progressed();
              };
              const onEnd = (id: number) => id === reqId && finish();
              return {
                events: [
                  [EventName.marketDataType, onType as Handler],
                  [EventName.tickPrice, onPrice as Handler],
                  [EventName.tickSize, onSize as Handler],
                  [EventName.tickOptionComputation, onOption as Handler],
                  [EventName.tickSnapshotEnd, onEnd as Handler],
                ],
                send: () => {
                  // the type applies to the requests that follow it on the socket: sent together, they cannot interleave
                  link.raw.reqMarketDataType(marketDataTypeIds[type]);
                  link.raw.reqMktData(reqId, toIbContract(c), "", !streaming, false);
                },
                cancel: () => {
                  clearTimeout(timer);
                  clearTimeout(settle);
                  if (streaming) link.raw.cancelMktData(reqId);
                },
              };
            }),
          // a line granted with no time left for the snapshot is wasted: give up (RATE_LIMITED) before that
          Math.min(SNAPSHOT_RESERVE_MS, Math.max(0, (scope.deadlineAt - Date.now()) / 2)),
        ),
      );
    },

    optionParams(u, scope) {
      return call(describe(u), general, scope, async (link) =>
        (await link.next.getSecDefOptParams(u.symbol, "", u.secType as SecType, u.conId)).map((p) => ({
          exchange: p.exchange,
          tradingClass: p.tradingClass,
          multiplier: String(p.multiplier),
          expirations: [...p.expirations].sort(),
          strikes: [...p.strikes].sort((a, b) => a - b),
        })),
      );
    },

    pnl(account, scope) {
      return call(`P&L of ${account}`, general, scope, async (link) => {
        const p = await firstValue(link.next.getPnL(account), scope);
        return compact({
          dailyPnL: ibNumber(p.dailyPnL),
          unrealizedPnL: ibNumber(p.unrealizedPnL),
          realizedPnL: ibNumber(p.realizedPnL),
        });
      });
    },

    pnlSingle(account, conId, scope) {
      return call(`P&L of conId ${conId} in ${account}`, general, scope, async (link) => {
        const p = await firstValue(link.next.getPnLSingle(account, "", conId), scope);
        return compact({
          position: ibNumber(p.position),
          dailyPnL: ibNumber(p.dailyPnL),
          unrealizedPnL: ibNumber(p.unrealizedPnL),
          realizedPnL: ibNumber(p.realizedPnL),
          value: ibNumber(p.marketValue),
        });
      });
    },

    portfolio(account, scope) {
      const run = () =>
        call(`portfolio of ${account}`, general, scope, (link) =>
          byReqId<PortfolioItem[]>(link, scope, `portfolio of ${account}`, (_reqId, done) => {
            const items: PortfolioItem[] = [];
            const onItem = (
              contract: Contract,
              position: number,
              marketPrice: number,
              marketValue: number,
              averageCost?: number,
              unrealizedPnL?: number,
              realizedPnL?: number,
              accountName?: string,
            ) => {
              if (accountName !== account) return;
              items.push(
                compact({
                  account,
                  contract: toContractSummary(contract),
                  position,
                  marketPrice,
                  marketValue,
                  averageCost: ibNumber(averageCost),
                  unrealizedPnL: ibNumber(unrealizedPnL),
                  realizedPnL: ibNumber(realizedPnL),
                }),
              );
            };
            const stop = () => link.raw.reqAccountUpdates(false, account);
            const onEnd = (name: string) => {
              if (name !== account) return;
              stop();
              done(items);
            };
            return {
              events: [
                [EventName.updatePortfolio, onItem as Handler],
                [EventName.accountDownloadEnd, onEnd as Handler],
              ],
              send: () => link.raw.reqAccountUpdates(true, account),
              cancel: stop,
            };
          }),
        );
      const mine = accountUpdatesTurn.then(run, run);
      accountUpdatesTurn = mine.catch(() => undefined);
      return mine;
    },

    openOrders(scope) {
      return call("open orders", general, scope, async (link) =>
        (await link.next.getAllOpenOrders()).map((o) => {
          const s = o.orderStatus;
          return compact({
            orderId: o.orderId,
            permId: ibNumber(o.order.permId),
            clientId: ibNumber(o.order.clientId),
            account: ibString(o.order.account),
            contract: toContractSummary(o.contract),
            action: String(o.order.action ?? ""),
            totalQuantity: o.order.totalQuantity ?? 0,
            orderType: String(o.order.orderType ?? ""),
            limitPrice: ibNumber(o.order.lmtPrice),
            auxPrice: ibNumber(o.order.auxPrice) || undefined,
            timeInForce: ibString(o.order.tif === undefined ? undefined : String(o.order.tif)),
            status: String(s?.status ?? o.orderState.status ?? ""),
            filled: ibNumber(s?.filled),
            remaining: ibNumber(s?.remaining),
            avgFillPrice: ibNumber(s?.avgFillPrice) || undefined,
          });
        }),
      );
    },

    executions(scope) {
      return call("executions", general, scope, async (link) => {
        const details = await link.next.getExecutionDetails({});
        // a second reqExecutions: IBApiNext collects commission reports only in their own request
        const reports = await link.next.getCommissionReport({});
        const byExecId = new Map<string, CommissionReport>(reports.map((r) => [r.execId ?? "", r]));
        return details.map(({ contract, execution: e }) => {
          const r = byExecId.get(e.execId ?? "");
          return compact({
            execId: e.execId ?? "",
            orderId: e.orderId ?? 0,
            permId: ibNumber(e.permId),
            account: e.acctNumber ?? "",
            contract: toContractSummary(contract),
            time: e.time ?? "",
            side: e.side ?? "",
            shares: e.shares ?? 0,
            price: e.price ?? 0,
            exchange: ibString(e.exchange),
            commission: ibNumber(r?.commission),
            commissionCurrency: ibString(r?.currency),
            realizedPnL: ibNumber(r?.realizedPNL),
          });
        });
      });
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

/** The first value of an IBApiNext subscription; unsubscribing (IB's cancel) on abort or after it. */
function firstValue<T>(source: Observable<T>, scope: RequestScope): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const sub = source.pipe(take(1)).subscribe({ next: resolve, error: reject });
    scope.signal.addEventListener("abort", () => sub.unsubscribe(), { once: true });
  });
}
