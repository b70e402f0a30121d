import type { ToolDef } from "../tool-def.ts";
import { calculateImpliedVolatility } from "./calculate-implied-volatility.ts";
import { calculateOptionPrice } from "./calculate-option-price.ts";
import { getAccountSummary } from "./get-account-summary.ts";
import { getAccountValues } from "./get-account-values.ts";
import { getArticle } from "./get-article.ts";
import { getCompletedOrders } from "./get-completed-orders.ts";
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
import { getMarketRule } from "./get-market-rule.ts";
import { getNewsProviders } from "./get-news-providers.ts";
import { getOpenOrders } from "./get-open-orders.ts";
import { getOptionChain } from "./get-option-chain.ts";
import { getOptionQuotes } from "./get-option-quotes.ts";
import { getOrderStatus } from "./get-order-status.ts";
import { getPnl } from "./get-pnl.ts";
import { getPortfolio } from "./get-portfolio.ts";
import { getPortfolioGreeks } from "./get-portfolio-greeks.ts";
import { getPositions } from "./get-positions.ts";
import { getQuote } from "./get-quote.ts";
import { getRealtimeBars } from "./get-realtime-bars.ts";
import { getScannerParameters } from "./get-scanner-parameters.ts";
import { getTradingHours } from "./get-trading-hours.ts";
import { lookupContract } from "./lookup-contract.ts";
import { orderTools } from "./order-tools.ts";
import { runScanner } from "./run-scanner.ts";
import { searchContracts } from "./search-contracts.ts";
import { tickerToConid } from "./ticker-to-conid.ts";

export {
  getAccountSummary,
  getAccountValues,
  getArticle,
  getCompletedOrders,
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
  getMarketRule,
  getNewsProviders,
  getOpenOrders,
  getOptionChain,
  getOptionQuotes,
  getOrderStatus,
  getPnl,
  getPortfolio,
  getPositions,
  getQuote,
  getRealtimeBars,
  getScannerParameters,
  getTradingHours,
  lookupContract,
  runScanner,
  searchContracts,
  tickerToConid,
};

/** Every tool, in the order tools/list shows them. Adding a tool: one file here, one handler in connector/. */
const tools = [
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
  getMarketRule,
  getCompletedOrders,
  getOrderStatus,
  runScanner,
  getScannerParameters,
  calculateOptionPrice,
  calculateImpliedVolatility,
  getPortfolioGreeks,
  getAccountValues,
  getFxRate,
  getHeadTimestamp,
  getHistogram,
  getHistoricalTicks,
  getRealtimeBars,
  ...orderTools,
] as const;

/** Every tool's name, as the compiler knows them: connector/handlers/index.ts must have one handler for each. */
export type ToolName = (typeof tools)[number]["name"];

export const catalogue: readonly ToolDef[] = tools;

const byName = new Map(catalogue.map((t) => [t.name, t]));

/** The catalogue entry of a tool, or undefined for an unknown name. */
export function findTool(name: string): ToolDef | undefined {
  return byName.get(name);
}
