import { type Contract, EventName, type Order, type OrderState } from "@stoqey/ib";
import { createRequestCache } from "../../request-cache.ts";
import type { CompletedOrderInfo, IbClient } from "../client-types.ts";
import { compact, ibNumber, ibString, toContractSummary } from "../convert.ts";
import { byReqId, type Call, general, type Handler } from "../request.ts";

function toCompletedOrder(contract: Contract, order: Order, state: OrderState): CompletedOrderInfo {
  return compact({
    permId: ibNumber(order.permId),
    orderRef: ibString(order.orderRef),
    account: ibString(order.account),
    contract: toContractSummary(contract),
    action: String(order.action ?? ""),
    totalQuantity: order.totalQuantity ?? 0,
    orderType: String(order.orderType ?? ""),
    limitPrice: ibNumber(order.lmtPrice),
    auxPrice: ibNumber(order.auxPrice) || undefined,
    status: String(state.status ?? ""),
    filled: ibNumber(order.filledQuantity) ?? 0,
    completedTime: ibString(state.completedTime),
    completedStatus: ibString(state.completedStatus),
  });
}

/**
 * Today's completed orders. IB's replies carry no request id, so concurrent callers share one request (a second
 * one in flight would interleave its rows with the first's).
 */
export function completedOrderRequests(call: Call): Pick<IbClient, "completedOrders"> {
  const running = createRequestCache<CompletedOrderInfo[]>({ ttlMs: 0 });
  return {
    completedOrders(scope) {
      return running.get("all", scope, (run) =>
        call("completed orders", general, run, (link) =>
          byReqId<CompletedOrderInfo[]>(link, run, "completed orders", (_reqId, done) => {
            const rows: CompletedOrderInfo[] = [];
            const onOrder = (contract: Contract, order: Order, state: OrderState) =>
              rows.push(toCompletedOrder(contract, order, state));
            return {
              events: [
                [EventName.completedOrder, onOrder as Handler],
                [EventName.completedOrdersEnd, (() => done(rows)) as Handler],
              ],
              send: () => link.raw.reqCompletedOrders(false),
            };
          }),
        ),
      );
    },
  };
}
