import type { ContractSummary } from "../../shared/schemas/fields.ts";
import type { Bar } from "../../shared/schemas/history.ts";
import type { DataType, OptionGreeks, QuoteFields } from "../../shared/schemas/market-data.ts";
import type { ToolOutput } from "../../shared/tool-def.ts";
import type { getAccountSummary } from "../../shared/tools/get-account-summary.ts";
import type { getAccountValues } from "../../shared/tools/get-account-values.ts";
import type { getCompletedOrders } from "../../shared/tools/get-completed-orders.ts";
import type { SessionStateArea } from "../../shared/tools/get-connection-status.ts";
import type { getExecutions } from "../../shared/tools/get-executions.ts";
import type { getHistoricalNews } from "../../shared/tools/get-historical-news.ts";
import type { getHistoricalTicks } from "../../shared/tools/get-historical-ticks.ts";
import type { getNewsProviders } from "../../shared/tools/get-news-providers.ts";
import type { getOpenOrders } from "../../shared/tools/get-open-orders.ts";
import type { getOptionChain } from "../../shared/tools/get-option-chain.ts";
import type { getPortfolio } from "../../shared/tools/get-portfolio.ts";
import type { getPositions } from "../../shared/tools/get-positions.ts";
import type { getRealtimeBars } from "../../shared/tools/get-realtime-bars.ts";
import type { runScanner } from "../../shared/tools/run-scanner.ts";
import type { ContractDetails, SymbolMatch } from "./convert.ts";
import type { RequestScope } from "./request.ts";

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

/** One reqHistoricalTicks: exactly one of start and end in IB's "yyyyMMdd-HH:mm:ss" (UTC), the other "". */
export interface TicksRequest {
  start: string;
  end: string;
  count: number;
  whatToShow: "TRADES" | "BID_ASK" | "MIDPOINT";
  useRth: boolean;
}

/** A tick with time in epoch seconds, before the tool formats it. */
export type HistoricalTick = Omit<ToolOutput<typeof getHistoricalTicks>["ticks"][number], "time"> & {
  time: number;
};

/** One real-time bar as IB sent it (time in epoch seconds), before the tool formats it. */
export type RealtimeBar = Omit<ToolOutput<typeof getRealtimeBars>["bars"][number], "time"> & { time: number };

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
export type AccountValue = ToolOutput<typeof getAccountValues>["accounts"][number]["values"][number];
export type PortfolioItem = ToolOutput<typeof getPortfolio>["items"][number];
export type OpenOrder = ToolOutput<typeof getOpenOrders>["orders"][number];
export type ScanResultRow = ToolOutput<typeof runScanner>["rows"][number];

/** One scanner snapshot: IB's codes and the filters that are set. */
export interface ScanQuery {
  scanCode: string;
  instrument: string;
  location: string;
  rows: number;
  abovePrice?: number;
  belowPrice?: number;
  aboveVolume?: number;
  /** USD millions, IB's unit. */
  marketCapAbove?: number;
  marketCapBelow?: number;
}
export type CompletedOrderInfo = ToolOutput<typeof getCompletedOrders>["orders"][number];
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

/** What a calculator answers: the model's price, implied volatility and greeks. */
export type OptionCalculation = OptionGreeks;

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

/** The IB requests handlers use, in the catalogue's shapes; only this layer knows @stoqey/ib. */
export interface IbClient {
  contractDetails(q: ContractQuery, subject: string, scope: RequestScope): Promise<ContractDetails[]>;
  matchingSymbols(pattern: string, scope: RequestScope): Promise<SymbolMatch[]>;
  historicalBars(c: ContractSummary, req: HistoryRequest, scope: RequestScope): Promise<Bar[]>;
  fundamentalData(c: ContractSummary, reportType: string, scope: RequestScope): Promise<string>;
  historicalTicks(c: ContractSummary, req: TicksRequest, scope: RequestScope): Promise<HistoricalTick[]>;
  /** IB's earliest data point, as IB sent it (epoch seconds). */
  headTimestamp(
    c: ContractSummary,
    whatToShow: string,
    useRth: boolean,
    scope: RequestScope,
  ): Promise<string>;
  histogram(
    c: ContractSummary,
    period: { count: number; unit: "day" | "week" | "month" | "year" },
    useRth: boolean,
    scope: RequestScope,
  ): Promise<Array<{ price: number; size: number }>>;
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
  /** Up to `count` 5-second bars until `untilMs` (epoch ms), holding a market data line meanwhile. */
  realtimeBars(
    c: ContractSummary,
    req: { whatToShow: string; useRth: boolean; count: number; untilMs: number },
    scope: RequestScope,
  ): Promise<RealtimeBar[]>;
  optionParams(underlying: ContractSummary, scope: RequestScope): Promise<OptionParams[]>;
  pnl(account: string, scope: RequestScope): Promise<PnlValues>;
  pnlSingle(
    account: string,
    conId: number,
    scope: RequestScope,
  ): Promise<PnlValues & { position?: number; value?: number }>;
  /** Positions valued by IB (reqAccountUpdates); one account at a time, as IB allows. */
  portfolio(account: string, scope: RequestScope): Promise<PortfolioItem[]>;
  /** Every account value tag of one account, by currency (reqAccountUpdates; shares portfolio's turn). */
  accountValues(account: string, scope: RequestScope): Promise<AccountValue[]>;
  openOrders(scope: RequestScope): Promise<OpenOrder[]>;
  /** Today's executions joined with their commission reports. */
  executions(scope: RequestScope): Promise<Execution[]>;
  newsProviderList(scope: RequestScope): Promise<NewsProviderInfo[]>;
  /** A market rule's price increments, lowest price level first. */
  marketRule(ruleId: number, scope: RequestScope): Promise<Array<{ lowEdge: number; increment: number }>>;
  /** Today's filled and cancelled orders of every client. */
  completedOrders(scope: RequestScope): Promise<CompletedOrderInfo[]>;
  /** The first batch of a scanner subscription, then its cancel; holds one of IB's scanner subscriptions meanwhile. */
  scan(q: ScanQuery, scope: RequestScope): Promise<ScanResultRow[]>;
  /** IB's scanner parameter XML, cached for a day. */
  scannerParameters(scope: RequestScope): Promise<string>;
  /** IB's calculators: the option's price and greeks at a volatility ("price"), or its implied volatility ("iv"). */
  optionCalculation(
    c: ContractSummary,
    kind: "price" | "iv",
    value: number,
    underPrice: number,
    scope: RequestScope,
  ): Promise<OptionCalculation>;
  /** What IB pushes about the account (positions, account updates, P&L, executions, summary, open orders), kept live. */
  readonly state: SessionState;
}

/**
 * The session state: what IB pushes about the account, kept live on one subscription per area and read in
 * microseconds. `undefined` from a reader means the area does not cover the question: take the request path.
 */
export interface SessionState {
  /** Off: every read takes the request path (benchmarks compare the two). */
  readonly enabled: boolean;
  /** The session (re)connected, dropped or lost data (1101): re-subscribe everything, or mark it all stale. */
  resync(): void;
  positions(scope: RequestScope): Promise<Positions | undefined>;
  portfolio(account: string, scope: RequestScope): Promise<PortfolioItem[] | undefined>;
  accountValues(account: string, scope: RequestScope): Promise<AccountValue[] | undefined>;
  pnl(account: string, scope: RequestScope): Promise<PnlValues | undefined>;
  executions(scope: RequestScope): Promise<Execution[] | undefined>;
  /** Kept only when this client is IB's Master API client (IB_MASTER_API_CLIENT); else undefined. */
  openOrders(scope: RequestScope): Promise<OpenOrder[] | undefined>;
  /** Subscribed on the first read, for its tags; other tags: undefined. */
  accountSummary(tags: string, scope: RequestScope): Promise<AccountSummary | undefined>;
  /** Per area: fresh, syncing, stale or off, the age of its last update, what it holds. */
  status(): SessionStateArea[];
}
