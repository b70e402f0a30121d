import { calculateImpliedVolatilityHandler } from "./calculate-implied-volatility.ts";
import { calculateOptionPriceHandler } from "./calculate-option-price.ts";
import type { HandlerEntry } from "./context.ts";
import { getAccountSummaryHandler } from "./get-account-summary.ts";
import { getAccountValuesHandler } from "./get-account-values.ts";
import { getArticleHandler } from "./get-article.ts";
import { getCompletedOrdersHandler } from "./get-completed-orders.ts";
import { getConnectionStatusHandler } from "./get-connection-status.ts";
import { getContractDetailsHandler } from "./get-contract-details.ts";
import { getExecutionsHandler } from "./get-executions.ts";
import { getFundamentalDataHandler } from "./get-fundamental-data.ts";
import { getFxRateHandler } from "./get-fx-rate.ts";
import { getHeadTimestampHandler } from "./get-head-timestamp.ts";
import { getHistogramHandler } from "./get-histogram.ts";
import { getHistoricalDataHandler } from "./get-historical-data.ts";
import { getHistoricalNewsHandler } from "./get-historical-news.ts";
import { getHistoricalTicksHandler } from "./get-historical-ticks.ts";
import { getIndexQuoteHandler } from "./get-index-quote.ts";
import { getMarketRuleHandler } from "./get-market-rule.ts";
import { getNewsProvidersHandler } from "./get-news-providers.ts";
import { getOpenOrdersHandler } from "./get-open-orders.ts";
import { getOptionChainHandler } from "./get-option-chain.ts";
import { getOptionQuotesHandler } from "./get-option-quotes.ts";
import { getOrderStatusHandler } from "./get-order-status.ts";
import { getPnlHandler } from "./get-pnl.ts";
import { getPortfolioHandler } from "./get-portfolio.ts";
import { getPortfolioGreeksHandler } from "./get-portfolio-greeks.ts";
import { getPositionsHandler } from "./get-positions.ts";
import { getQuoteHandler } from "./get-quote.ts";
import { getRealtimeBarsHandler } from "./get-realtime-bars.ts";
import { getScannerParametersHandler } from "./get-scanner-parameters.ts";
import { getTradingHoursHandler } from "./get-trading-hours.ts";
import { lookupContractHandler } from "./lookup-contract.ts";
import { orderHandlers } from "./order-handlers.ts";
import { runScannerHandler } from "./run-scanner.ts";
import { searchContractsHandler } from "./search-contracts.ts";
import { tickerToConidHandler } from "./ticker-to-conid.ts";

/** Every handler, keyed by its tool's name. */
export const handlers: ReadonlyMap<string, HandlerEntry> = new Map(
  [
    lookupContractHandler,
    tickerToConidHandler,
    searchContractsHandler,
    getContractDetailsHandler,
    getHistoricalDataHandler,
    getFundamentalDataHandler,
    getHistoricalNewsHandler,
    getArticleHandler,
    getAccountSummaryHandler,
    getPositionsHandler,
    getConnectionStatusHandler,
    getQuoteHandler,
    getIndexQuoteHandler,
    getOptionChainHandler,
    getOptionQuotesHandler,
    getPnlHandler,
    getPortfolioHandler,
    getOpenOrdersHandler,
    getExecutionsHandler,
    getNewsProvidersHandler,
    getTradingHoursHandler,
    getMarketRuleHandler,
    getCompletedOrdersHandler,
    getOrderStatusHandler,
    runScannerHandler,
    getScannerParametersHandler,
    calculateOptionPriceHandler,
    calculateImpliedVolatilityHandler,
    getPortfolioGreeksHandler,
    getAccountValuesHandler,
    getFxRateHandler,
    getHeadTimestampHandler,
    getHistogramHandler,
    getHistoricalTicksHandler,
    getRealtimeBarsHandler,
    ...orderHandlers,
  ].map((h) => [h.tool.name, h]),
);
