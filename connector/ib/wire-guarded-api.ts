import type { IBApi } from "@stoqey/ib";
import { assertWireValue, isWireSafeToken } from "./wire-guard.ts";

/**
 * Parameter names of the @stoqey/ib calls the connector makes, so a refusal names the field ("contract.exchange",
 * "pattern"); any other call is still checked, its arguments named by position.
 */
const PARAMS: Readonly<Record<string, readonly string[]>> = {
  // IBApi
  placeOrder: ["id", "contract", "order"],
  reqContractDetails: ["reqId", "contract"],
  reqMatchingSymbols: ["reqId", "pattern"],
  reqMktData: ["reqId", "contract", "genericTickList", "snapshot", "regulatorySnapshot", "mktDataOptions"],
  calculateOptionPrice: ["reqId", "contract", "volatility", "underPrice"],
  calculateImpliedVolatility: ["reqId", "contract", "optionPrice", "underPrice"],
  reqHistoricalData: [
    "reqId",
    "contract",
    "endDateTime",
    "durationStr",
    "barSizeSetting",
    "whatToShow",
    "useRTH",
    "formatDate",
    "keepUpToDate",
  ],
  reqFundamentalData: ["reqId", "contract", "reportType", "fundamentalDataOptions"],
  reqHistoricalNews: [
    "reqId",
    "conId",
    "providerCodes",
    "startDateTime",
    "endDateTime",
    "totalResults",
    "historicalNewsOptions",
  ],
  reqNewsArticle: ["reqId", "providerCode", "articleId", "newsArticleOptions"],
  reqAccountUpdates: ["subscribe", "acctCode"],
  reqAccountSummary: ["reqId", "group", "tags"],
  reqPnL: ["reqId", "account", "modelCode"],
  reqPnLSingle: ["reqId", "account", "modelCode", "conId"],
  reqMarketRule: ["marketRuleId"],
  reqCompletedOrders: ["apiOnly"],
  reqScannerSubscription: [
    "reqId",
    "subscription",
    "scannerSubscriptionOptions",
    "scannerSubscriptionFilterOptions",
  ],
  reqSecDefOptParams: ["reqId", "underlyingSymbol", "futFopExchange", "underlyingSecType", "underlyingConId"],
  reqExecutions: ["reqId", "filter"],
  reqHeadTimestamp: ["reqId", "contract", "whatToShow", "useRTH", "formatDate"],
  reqHistogramData: ["reqId", "contract", "useRTH", "period", "periodUnit"],
  reqHistoricalTicks: [
    "reqId",
    "contract",
    "startDateTime",
    "endDateTime",
    "numberOfTicks",
    "whatToShow",
    "useRTH",
    "ignoreSize",
  ],
  reqRealTimeBars: ["reqId", "contract", "barSize", "whatToShow", "useRTH", "realTimeBarsOptions"],
  // IBApiNext
  getContractDetails: ["contract"],
  getMatchingSymbols: ["pattern"],
  getSecDefOptParams: ["underlyingSymbol", "futFopExchange", "underlyingSecType", "underlyingConId"],
  getAccountSummary: ["group", "tags"],
  getPnL: ["account", "modelCode"],
  getPnLSingle: ["account", "modelCode", "conId"],
  getMarketDataSnapshot: ["contract", "genericTickList", "regulatorySnapshot"],
  getExecutionDetails: ["filter"],
  getCommissionReport: ["filter"],
};

/** Checks every argument of one call; throws INVALID_ARGUMENT naming the field before the call runs. */
export function assertWireArgs(method: string, args: readonly unknown[]): void {
  const names = PARAMS[method];
  for (const [i, arg] of args.entries()) assertWireValue(names?.[i] ?? `${method} argument ${i + 1}`, arg);
}

/**
 * The API object with every method call checked first: a refused call throws synchronously, inside the caller's
 * request, before @stoqey/ib schedules anything, so nothing of it reaches the socket. Properties and getters pass
 * through untouched (read on the real object, where @stoqey/ib keeps private state).
 */
export function guardApi<T extends object>(api: T): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(api, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        const method = String(prop);
        fn = (...args: unknown[]) => {
          assertWireArgs(method, args);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}

/** The few @stoqey/ib internals the tripwire reaches: every encoded API message passes controller.sendMsg. */
interface ControllerInternals {
  controller: { sendMsg: (...tokens: unknown[]) => void };
}

function flatten(tokens: readonly unknown[], out: unknown[] = []): unknown[] {
  for (const t of tokens) Array.isArray(t) ? flatten(t, out) : out.push(t);
  return out;
}

/**
 * Defence in depth behind guardApi: the encoder hands every message to controller.sendMsg before it is rate limited
 * and written. A message with a control character in any token is dropped whole (never written), and `onTrip` is told
 * (the link closes: a request that lost its message would otherwise wait for an answer that never comes). It must not
 * throw: the library calls it from its command queue, which a throw would wedge.
 */
export function installWireTripwire(raw: IBApi, onTrip: (reason: string) => void): void {
  const controller = (raw as unknown as ControllerInternals).controller;
  const send = controller.sendMsg.bind(controller);
  controller.sendMsg = (...tokens: unknown[]) => {
    const flat = flatten(tokens);
    const bad = flat.findIndex((t) => !isWireSafeToken(t));
    if (bad >= 0) {
      onTrip(`the wire tripwire dropped message ${String(flat[0])}: token ${bad} holds a control character`);
      return;
    }
    send(...tokens);
  };
}
