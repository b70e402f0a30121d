import { type Contract, EventName, type Order, type OrderState } from "@stoqey/ib";
import { IbMcpError } from "../../../../shared/errors.ts";
import type { BoundOrder } from "../../../../shared/schemas/order.ts";
import type { IbLink } from "../../link.ts";
import type { RequestScope } from "../../request.ts";
import { awaitEvents, type Handler } from "../../request.ts";
import { contractOf, ibOrdersOf, num } from "./ib-orders-of.ts";
import { orderErrors } from "./order-rejections.ts";
import { isOtherClientsOrder, ownOrderStatus } from "./own-events.ts";
import type { WhatIf } from "./types.ts";

/** How long a what-if answered as a real order waits for its cancel to be confirmed. */
const STRAY_CANCEL_WAIT_MS = 2_000;

/** IB's what-if check of `o` (a bracket: its parent) under order id `id`; a server that places it is refused. */
export function whatIfOn(
  link: IbLink,
  scope: RequestScope,
  id: number,
  o: BoundOrder,
  subject: string,
): Promise<WhatIf> {
  const [first] = ibOrdersOf(o, "", id);
  const order: Order = { ...first![1], whatIf: true, transmit: true, orderRef: undefined };
  return awaitEvents<WhatIf>(link, scope, orderErrors([id], subject), (settle, fail) => {
    const onOpen = (orderId: number, _c: Contract, answered: Order, st: OrderState) => {
      if (orderId !== id || isOtherClientsOrder(link, answered)) return;
      if (answered.whatIf !== true) {
        // the server took it as a real order: withdraw it at once, and refuse the preview once it is gone
        const gone = ownOrderStatus(link, (oid: number, status: string) => {
          if (oid === id && /cancel|filled/i.test(status)) refuse();
        });
        const timer = setTimeout(() => refuse(), STRAY_CANCEL_WAIT_MS);
        const refuse = () => {
          clearTimeout(timer);
          link.raw.removeListener(EventName.orderStatus, gone);
          fail(
            new IbMcpError(
              "INTERNAL",
              `IB answered the what-if check of order ${id} as a real order; it was cancelled at once. Do not retry; report this to the operator`,
            ),
          );
        };
        link.raw.on(EventName.orderStatus, gone);
        link.raw.cancelOrder(id);
        return;
      }
      settle({
        status: String(st.status ?? "PreSubmitted"),
        commission: num(st.commission),
        minCommission: num(st.minCommission),
        maxCommission: num(st.maxCommission),
        commissionCurrency: st.commissionCurrency || undefined,
        initMarginChange: num(st.initMarginChange),
        maintMarginChange: num(st.maintMarginChange),
        equityWithLoanAfter: num(st.equityWithLoanAfter),
        warning: st.warningText || undefined,
      });
    };
    return {
      events: [[EventName.openOrder, onOpen as Handler]],
      send: () => link.raw.placeOrder(id, contractOf(o), order),
    };
  });
}
