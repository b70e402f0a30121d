import type { HandlerEntry } from "./context.ts";
import { getAccountSummaryHandler } from "./get-account-summary.ts";
import { getArticleHandler } from "./get-article.ts";
import { getConnectionStatusHandler } from "./get-connection-status.ts";
import { getContractDetailsHandler } from "./get-contract-details.ts";
import { getFundamentalDataHandler } from "./get-fundamental-data.ts";
import { getHistoricalDataHandler } from "./get-historical-data.ts";
import { getHistoricalNewsHandler } from "./get-historical-news.ts";
import { getPositionsHandler } from "./get-positions.ts";
import { lookupContractHandler } from "./lookup-contract.ts";
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
  ].map((h) => [h.tool.name, h]),
);
