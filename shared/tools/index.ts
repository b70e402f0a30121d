import type { ToolDef } from "../tool-def.ts";
import { getAccountSummary } from "./get-account-summary.ts";
import { getAccountValues } from "./get-account-values.ts";
import { getArticle } from "./get-article.ts";
import { getConnectionStatus } from "./get-connection-status.ts";
import { getContractDetails } from "./get-contract-details.ts";
import { getExecutions } from "./get-executions.ts";
import { getFundamentalData } from "./get-fundamental-data.ts";
import { getFxRate } from "./get-fx-rate.ts";
import { getHeadTimestamp } from "./get-head-timestamp.ts";
import { getHistogram } from "./get-histogram.ts";
import { getHistoricalData } from "./get-historical-data.ts";
import { getHistoricalNews } from "./get-historical-news.ts";
import { getHistoricalTicks } from "./get-historical-ticks.ts";
import { getIndexQuote } from "./get-index-quote.ts";
import { getNewsProviders } from "./get-news-providers.ts";
import { getOpenOrders } from "./get-open-orders.ts";
import { getOptionChain } from "./get-option-chain.ts";
import { getOptionQuotes } from "./get-option-quotes.ts";
import { getPnl } from "./get-pnl.ts";
import { getPortfolio } from "./get-portfolio.ts";
import { getPositions } from "./get-positions.ts";
import { getQuote } from "./get-quote.ts";
import { getRealtimeBars } from "./get-realtime-bars.ts";
import { getTradingHours } from "./get-trading-hours.ts";
import { lookupContract } from "./lookup-contract.ts";
import { orderTools } from "./order-tools.ts";
import { searchContracts } from "./search-contracts.ts";
import { tickerToConid } from "./ticker-to-conid.ts";

export {
  getAccountSummary,
  getAccountValues,
  getArticle,
  getConnectionStatus,
  getContractDetails,
  getExecutions,
  getFundamentalData,
  getFxRate,
  getHeadTimestamp,
  getHistogram,
  getHistoricalData,
  getHistoricalNews,
  getHistoricalTicks,
  getIndexQuote,
  getNewsProviders,
  getOpenOrders,
  getOptionChain,
  getOptionQuotes,
  getPnl,
  getPortfolio,
  getPositions,
  getQuote,
  getRealtimeBars,
  getTradingHours,
  lookupContract,
  searchContracts,
  tickerToConid,
};

/** Every tool, in the order tools/list shows them. Adding a tool: one file here, one handler in connector/. */
export const catalogue: readonly ToolDef[] = [
  lookupContract,
  tickerToConid,
  searchContracts,
  getContractDetails,
  getHistoricalData,
  getFundamentalData,
  getHistoricalNews,
  getArticle,
  getAccountSummary,
  getPositions,
  getConnectionStatus,
  getQuote,
  getIndexQuote,
  getOptionChain,
  getOptionQuotes,
  getPnl,
  getPortfolio,
  getOpenOrders,
  getExecutions,
  getNewsProviders,
  getTradingHours,
  getAccountValues,
  getFxRate,
  getHeadTimestamp,
  getHistogram,
  getHistoricalTicks,
  getRealtimeBars,
  ...orderTools,
];

const byName = new Map(catalogue.map((t) => [t.name, t]));

/** The catalogue entry of a tool, or undefined for an unknown name. */
export function findTool(name: string): ToolDef | undefined {
  return byName.get(name);
}
