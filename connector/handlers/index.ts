import type { ToolName } from "../../shared/tools/index.ts";
import { calculateImpliedVolatilityHandler } from "./calculate-implied-volatility.ts";
import { calculateOptionPriceHandler } from "./calculate-option-price.ts";
import { cancelAllOrdersHandler } from "./cancel-all-orders.ts";
import { cancelOrderHandler } from "./cancel-order.ts";
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
import { modifyOrderHandler } from "./modify-order.ts";
import { placeOrderHandler } from "./place-order.ts";
import { previewOrderHandler } from "./preview-order.ts";
import { runScannerHandler } from "./run-scanner.ts";
import { searchContractsHandler } from "./search-contracts.ts";
import { tickerToConidHandler } from "./ticker-to-conid.ts";

/**
 * One handler per catalogue tool, keyed by its name and checked by the compiler: a tool without a handler, a key
 * that is no tool's name, or a handler filed under another tool's name fails `tsc`, not a test at run time.
 */
const registry: { readonly [N in ToolName]: HandlerEntry<N> } = {
  lookup_contract: lookupContractHandler,
  ticker_to_conid: tickerToConidHandler,
  search_contracts: searchContractsHandler,
  get_contract_details: getContractDetailsHandler,
  get_historical_data: getHistoricalDataHandler,
  get_fundamental_data: getFundamentalDataHandler,
  get_historical_news: getHistoricalNewsHandler,
  get_article: getArticleHandler,
  get_account_summary: getAccountSummaryHandler,
  get_positions: getPositionsHandler,
  get_connection_status: getConnectionStatusHandler,
  get_quote: getQuoteHandler,
  get_index_quote: getIndexQuoteHandler,
  get_option_chain: getOptionChainHandler,
  get_option_quotes: getOptionQuotesHandler,
  get_pnl: getPnlHandler,
  get_portfolio: getPortfolioHandler,
  get_open_orders: getOpenOrdersHandler,
  get_executions: getExecutionsHandler,
  get_news_providers: getNewsProvidersHandler,
  get_trading_hours: getTradingHoursHandler,
  get_market_rule: getMarketRuleHandler,
  get_completed_orders: getCompletedOrdersHandler,
  get_order_status: getOrderStatusHandler,
  run_scanner: runScannerHandler,
  get_scanner_parameters: getScannerParametersHandler,
  calculate_option_price: calculateOptionPriceHandler,
  calculate_implied_volatility: calculateImpliedVolatilityHandler,
  get_portfolio_greeks: getPortfolioGreeksHandler,
  get_account_values: getAccountValuesHandler,
  get_fx_rate: getFxRateHandler,
  get_head_timestamp: getHeadTimestampHandler,
  get_histogram: getHistogramHandler,
  get_historical_ticks: getHistoricalTicksHandler,
  get_realtime_bars: getRealtimeBarsHandler,
  preview_order: previewOrderHandler,
  place_order: placeOrderHandler,
  modify_order: modifyOrderHandler,
  cancel_order: cancelOrderHandler,
  cancel_all_orders: cancelAllOrdersHandler,
};

// A tool whose name the compiler knows only as `string` would make the check above accept anything: refuse it.
true satisfies string extends ToolName ? never : true;

/** Every handler, keyed by its tool's name. */
export const handlers: ReadonlyMap<string, HandlerEntry> = new Map(Object.entries(registry));
