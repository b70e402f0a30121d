import { type Contract, EventName, type Order, type OrderState } from "@stoqey/ib";
import type { IbMcpError } from "../../../../shared/errors.ts";
import type { IbLink } from "../../link.ts";
import type { RequestScope } from "../../request.ts";
import { awaitEvents, type Handler } from "../../request.ts";
import { echoDifferences, type LegAfterCancel, OrderEchoMismatch } from "./echo-check.ts";
import { num } from "./ib-orders-of.ts";
import { orderErrors, orderRejection } from "./order-rejections.ts";
import { isOtherClientsOrder, ownOrderStatus } from "./own-events.ts";
import type { BoundContract, OrderReport } from "./types.ts";

const rejectedStatuses = new Set(["Inactive", "ApiCancelled"]);
const finalStatuses = /^(Cancelled|ApiCancelled|Filled|Inactive)$/;
/** How long an Inactive order waits for the error that tells why, before it is reported without one. */
const REASON_GRACE_MS = 500;
/** How long an acknowledged order may go without IB's openOrder echo before it counts as unverifiable. */
const ECHO_GRACE_MS = 1_500;
/** How long the cancel of a mismatched order waits for IB to confirm each leg; bounded, whatever the deadline. */
const CANCEL_WAIT_MS = 3_000;

type Outcome = { ok: true; report: OrderReport } | { ok: false; differences: string[] };

/** Cancels every leg at once and waits (bounded) for IB to report each one final; reports how each ended. */
function cancelLegs(
  link: IbLink,
  ids: readonly number[],
  seen: Map<number, string>,
): Promise<LegAfterCancel[]> {
  return new Promise((resolve) => {
    const legs = () => ids.map((orderId) => ({ orderId, status: seen.get(orderId) ?? "" }));
    const pending = new Set(ids.filter((id) => !finalStatuses.test(seen.get(id) ?? "")));
    const onStatus = ownOrderStatus(link, (id: number, status: string) => {
      if (!ids.includes(id)) return;
      seen.set(id, status);
      if (finalStatuses.test(status)) pending.delete(id);
      if (pending.size === 0) done();
    });
    const timer = setTimeout(() => done(), CANCEL_WAIT_MS);
    const done = () => {
      clearTimeout(timer);
      link.raw.removeListener(EventName.orderStatus, onStatus);
      resolve(legs());
    };
    link.raw.on(EventName.orderStatus, onStatus);
    if (pending.size === 0) return done();
    // the parent first: IB cancels its children with it; each child is asked too in case it stands alone
    for (const id of pending) link.raw.cancelOrder(id);
  });
}

/** What one placement is waiting for: each leg as sent, the echo contract, and what IB has said so far. */
interface Legs {
  link: IbLink;
  orders: Array<[number, Order]>;
  bound: BoundContract;
  subject: string;
  report: OrderReport;
  statuses: Map<number, string>;
}

/** The listeners of one placement: settled once every leg is acknowledged and echoed as sent, or on a difference. */
function watchLegs(w: Legs) {
  const ids = w.orders.map(([id]) => id);
  return (settle: (o: Outcome) => void, fail: (err: IbMcpError) => void): Array<[EventName, Handler]> => {
    let grace: NodeJS.Timeout | undefined;
    let echoWait: NodeJS.Timeout | undefined;
    const echoed = new Set<number>();
    const acked = new Set<number>();
    const finish = (o: Outcome) => {
      clearTimeout(grace);
      clearTimeout(echoWait);
      settle(o);
    };
    const maybeDone = () => {
      if (acked.size < ids.length) return;
      if (echoed.size === ids.length) return finish({ ok: true, report: w.report });
      echoWait ??= setTimeout(() => {
        const missing = ids.filter((id) => !echoed.has(id)).join(", ");
        const why = `IB acknowledged order(s) ${missing} but sent no copy of them back (openOrder), so what it holds cannot be checked`;
        finish({ ok: false, differences: [why] });
      }, ECHO_GRACE_MS);
    };
    const onOpen = (id: number, c: Contract, order: Order, _st: OrderState) => {
      const sent = w.orders.find(([x]) => x === id)?.[1];
      if (!sent || isOtherClientsOrder(w.link, order)) return;
      const differences = echoDifferences(id, sent, w.bound, { contract: c, order });
      if (differences.length > 0) return finish({ ok: false, differences });
      echoed.add(id);
      maybeDone();
    };
    const onStatus = ownOrderStatus(w.link, (id, status, filled, remaining, avg, permId) => {
      if (!ids.includes(id)) return;
      w.statuses.set(id, status);
      if (id === ids[0])
        Object.assign(w.report, { status, filled, remaining, avgFillPrice: num(avg) || undefined, permId });
      if (rejectedStatuses.has(status)) {
        // IB sends the reason as an error for the id; give it a moment to arrive, then report without it
        grace ??= setTimeout(
          () => fail(orderRejection(201, `order ${id} ${status} without a reason from IB`, w.subject)),
          REASON_GRACE_MS,
        );
        return;
      }
      acked.add(id);
      maybeDone();
    });
    return [
      [EventName.openOrder, onOpen as Handler],
      [EventName.orderStatus, onStatus as Handler],
    ];
  };
}

/**
 * Sends the numbered orders and waits until IB acknowledged every leg and echoed it (openOrder) exactly as sent.
 * A differing (or missing) echo cancels every leg at once and fails with OrderEchoMismatch.
 */
export async function sendAndAwait(
  link: IbLink,
  scope: RequestScope,
  orders: Array<[number, Order]>,
  contract: Contract,
  bound: BoundContract,
  subject: string,
  onEchoMismatch?: (differences: string[]) => void,
): Promise<OrderReport> {
  const ids = orders.map(([id]) => id);
  const report: OrderReport = {
    orderId: ids[0] ?? 0,
    childOrderIds: ids.slice(1),
    status: "",
    filled: 0,
    remaining: 0,
  };
  const statuses = new Map<number, string>();
  const watch = watchLegs({ link, orders, bound, subject, report, statuses });
  const outcome = await awaitEvents<Outcome>(link, scope, orderErrors(ids, subject), (settle, fail) => ({
    events: watch(settle, fail),
    send: () => {
      for (const [id, order] of orders) link.raw.placeOrder(id, contract, order);
    },
  }));
  if (outcome.ok) return outcome.report;
  // told before the cancel is confirmed, so the kill switch is thrown whatever happens to this call
  onEchoMismatch?.(outcome.differences);
  const legs = await cancelLegs(link, ids, statuses);
  throw new OrderEchoMismatch(subject, outcome.differences, legs);
}
