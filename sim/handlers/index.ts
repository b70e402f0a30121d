import type { HandlerFn } from "../connection.ts";
import { ClientMsg, type ClientMsgName } from "../protocol/msg-ids.ts";
import * as account from "./account.ts";
import * as completedOrders from "./completed-orders.ts";
import * as contracts from "./contracts.ts";
import * as fundamentals from "./fundamentals.ts";
import * as histogram from "./histogram.ts";
import * as historical from "./historical.ts";
import * as historicalTicks from "./historical-ticks.ts";
import * as marketData from "./market-data.ts";
import * as marketRule from "./market-rule.ts";
import * as news from "./news.ts";
import * as optionCalc from "./option-calc.ts";
import * as orders from "./orders.ts";
import * as realtimeBars from "./realtime-bars.ts";
import * as scanner from "./scanner.ts";
import * as session from "./session.ts";

const handlers: Partial<Record<ClientMsgName, HandlerFn>> = {
  startApi: session.startApi,
  reqIds: session.reqIds,
  reqCurrentTime: session.reqCurrentTime,
  reqManagedAccts: session.reqManagedAccts,
  reqMarketDataType: session.reqMarketDataType,
  reqContractDetails: contracts.reqContractDetails,
  reqMatchingSymbols: contracts.reqMatchingSymbols,
  reqSecDefOptParams: contracts.reqSecDefOptParams,
  reqAccountSummary: account.reqAccountSummary,
  cancelAccountSummary: account.cancelAccountSummary,
  reqPositions: account.reqPositions,
  cancelPositions: account.cancelPositions,
  reqAccountUpdates: account.reqAccountUpdates,
  reqPnL: account.reqPnL,
  cancelPnL: account.cancelPnL,
  reqPnLSingle: account.reqPnLSingle,
  cancelPnLSingle: account.cancelPnL,
  reqHistoricalData: historical.reqHistoricalData,
  cancelHistoricalData: historical.cancelHistoricalData,
  reqHeadTimestamp: historical.reqHeadTimestamp,
  reqHistoricalTicks: historicalTicks.reqHistoricalTicks,
  reqHistogramData: histogram.reqHistogramData,
  cancelHistogramData: histogram.cancelHistogramData,
  cancelHeadTimestamp: (_conn, r) => void r.int(),
  reqFundamentalData: fundamentals.reqFundamentalData,
  cancelFundamentalData: fundamentals.cancelFundamentalData,
  reqNewsProviders: news.reqNewsProviders,
  reqHistoricalNews: news.reqHistoricalNews,
  reqNewsArticle: news.reqNewsArticle,
  reqMktData: marketData.reqMktData,
  reqCalcOptionPrice: optionCalc.reqCalcOptionPrice,
  reqCalcImpliedVolat: optionCalc.reqCalcImpliedVolat,
  cancelCalcOptionPrice: optionCalc.cancelCalculation,
  cancelCalcImpliedVolat: optionCalc.cancelCalculation,
  reqRealTimeBars: realtimeBars.reqRealTimeBars,
  cancelRealTimeBars: realtimeBars.cancelRealTimeBars,
  cancelMktData: marketData.cancelMktData,
  placeOrder: orders.placeOrder,
  cancelOrder: orders.cancelOrder,
  reqOpenOrders: orders.reqOpenOrders,
  reqAllOpenOrders: orders.reqAllOpenOrders,
  reqAutoOpenOrders: (_conn, r) => void r.int(),
  reqExecutions: orders.reqExecutions,
  reqGlobalCancel: orders.reqGlobalCancel,
  reqMarketRule: marketRule.reqMarketRule,
  reqCompletedOrders: completedOrders.reqCompletedOrders,
  reqScannerParameters: scanner.reqScannerParameters,
  reqScannerSubscription: scanner.reqScannerSubscription,
  cancelScannerSubscription: scanner.cancelScannerSubscription,
};

/** Message id → handler, for every request the simulator serves. */
export const handlerTable: ReadonlyMap<number, { name: ClientMsgName; handle: HandlerFn }> = new Map(
  (Object.entries(handlers) as Array<[ClientMsgName, HandlerFn]>).map(([name, handle]) => [
    ClientMsg[name],
    { name, handle },
  ]),
);
