import type { Pacer } from "../pacing/index.ts";
import type { IbClient } from "./client-types.ts";
import { createCall } from "./request.ts";
import { accountRequests } from "./requests/account.ts";
import { completedOrderRequests } from "./requests/completed-orders.ts";
import { contractRequests } from "./requests/contracts.ts";
import { historicalTicksRequests } from "./requests/historical-ticks.ts";
import { historyRequests } from "./requests/history.ts";
import { historyMetaRequests } from "./requests/history-meta.ts";
import { marketDataRequests } from "./requests/market-data.ts";
import { marketRuleRequests } from "./requests/market-rules.ts";
import { newsRequests } from "./requests/news.ts";
import { openOrderRequests } from "./requests/open-orders.ts";
import { optionCalcRequests } from "./requests/option-calc.ts";
import { realtimeBarsRequests } from "./requests/realtime-bars.ts";
import { scannerRequests } from "./requests/scanner.ts";
import type { IbSession } from "./session.ts";
import { createSessionState } from "./state/session-state.ts";

// the types live apart (client-types.ts) so the request areas can name them without importing this factory
export type * from "./client-types.ts";
export type { RequestScope } from "./request.ts";

/** The IB client over a session: every call is paced, bounded by the caller's deadline, and failed on disconnect. */
export function createIbClient(
  currentSession: () => IbSession,
  pacer: Pacer,
  opts: { sessionState?: boolean; masterClient?: boolean } = {},
): IbClient {
  const call = createCall(currentSession, pacer);
  const state = createSessionState(call, currentSession, opts.sessionState ?? true, opts.masterClient);
  return {
    state,
    ...contractRequests(call),
    ...historyRequests(call),
    ...historyMetaRequests(call),
    ...historicalTicksRequests(call),
    ...newsRequests(call),
    ...accountRequests(call, state),
    ...openOrderRequests(call, state),
    ...marketDataRequests(call),
    ...marketRuleRequests(call),
    ...completedOrderRequests(call),
    ...scannerRequests(call),
    ...optionCalcRequests(call),
    ...realtimeBarsRequests(call),
  };
}
