import { EventName } from "@stoqey/ib";
import type { IbLink } from "../../link.ts";
import type { RequestScope } from "../../request.ts";
import { awaitEvents, type Handler } from "../../request.ts";
import { orderErrors } from "./order-rejections.ts";
import { ownOrderStatus } from "./own-events.ts";

/** IB's global cancel; resolves with the ids that were working once this client's own orders report cancelled. */
export async function cancelAllOn(link: IbLink, scope: RequestScope): Promise<number[]> {
  const open = await link.next.getAllOpenOrders();
  const workingOrders = open.filter(
    (x) => !/^(Filled|Cancelled|ApiCancelled|Inactive)$/.test(x.orderStatus?.status ?? ""),
  );
  const working = workingOrders.map((x) => x.orderId);
  // IB reports status changes only to the client that placed an order: wait for our own orders, and
  // count the others (other API clients, TWS) as cancel requested
  const ours = workingOrders.filter((x) => x.order.clientId === link.clientId).map((x) => x.orderId);
  if (ours.length === 0) {
    link.raw.reqGlobalCancel();
    return working;
  }
  return awaitEvents<number[]>(link, scope, orderErrors([], "every working order"), (settle) => {
    const pending = new Set(ours);
    const onStatus = ownOrderStatus(link, (id: number, status: string) => {
      if (/cancel|filled|inactive/i.test(status)) pending.delete(id);
      if (pending.size === 0) settle(working);
    });
    return { events: [[EventName.orderStatus, onStatus as Handler]], send: () => link.raw.reqGlobalCancel() };
  });
}
