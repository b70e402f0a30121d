import type { IbClient } from "../client-types.ts";
import { compact, ibNumber, ibString, toContractSummary } from "../convert.ts";
import { type Call, general } from "../request.ts";

/**
 * Open orders of every client, asked of IB on each read: IB pushes order events only to the client that placed
 * the order, so a kept list would miss other clients' new and cancelled orders.
 */
export function openOrderRequests(call: Call): Pick<IbClient, "openOrders"> {
  return {
    openOrders(scope) {
      return call("open orders", general, scope, async (link) =>
        (await link.next.getAllOpenOrders()).map((o) => {
          const s = o.orderStatus;
          return compact({
            orderId: o.orderId,
            permId: ibNumber(o.order.permId),
            clientId: ibNumber(o.order.clientId),
            account: ibString(o.order.account),
            orderRef: ibString(o.order.orderRef),
            contract: toContractSummary(o.contract),
            action: String(o.order.action ?? ""),
            totalQuantity: o.order.totalQuantity ?? 0,
            orderType: String(o.order.orderType ?? ""),
            limitPrice: ibNumber(o.order.lmtPrice),
            auxPrice: ibNumber(o.order.auxPrice) || undefined,
            timeInForce: ibString(o.order.tif === undefined ? undefined : String(o.order.tif)),
            status: String(s?.status ?? o.orderState.status ?? ""),
            filled: ibNumber(s?.filled),
            remaining: ibNumber(s?.remaining),
            avgFillPrice: ibNumber(s?.avgFillPrice) || undefined,
          });
        }),
      );
    },
  };
}
