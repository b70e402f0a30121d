import type { Order } from "@stoqey/ib";
import type { IbLink } from "../../link.ts";

/** IB's orderStatus event, as @stoqey/ib emits it (the fields order listeners read). */
type StatusListener = (
  orderId: number,
  status: string,
  filled: number,
  remaining: number,
  avgFillPrice: number,
  permId?: number,
  parentId?: number,
  lastFillPrice?: number,
  clientId?: number,
) => void;

/**
 * Whether an order event belongs to another API client. As IB's Master API client (IB_MASTER_API_CLIENT) this
 * session also hears every other client's order events, numbered in that client's own orderIds: a listener
 * matching by orderId alone would take another client's order 5 for ours.
 */
export function isOtherClients(link: IbLink, clientId: number | undefined): boolean {
  return clientId !== undefined && clientId !== link.clientId;
}

/** `listener` for this client's orderStatus events only (see isOtherClients). */
export function ownOrderStatus(link: IbLink, listener: StatusListener): StatusListener {
  return (id, status, filled, remaining, avg, permId, parentId, lastFill, clientId) => {
    if (!isOtherClients(link, clientId))
      listener(id, status, filled, remaining, avg, permId, parentId, lastFill, clientId);
  };
}

/** Whether an openOrder event's order was placed by another API client (see isOtherClients). */
export const isOtherClientsOrder = (link: IbLink, order: Order): boolean =>
  isOtherClients(link, order.clientId);
