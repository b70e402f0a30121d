import { EventName, IBApiNextError } from "@stoqey/ib";
import { IbMcpError } from "../../shared/errors.ts";
import { abortable } from "../deadline.ts";
import type { PacedRequest, Pacer } from "../pacing/index.ts";
import type { RequestScope } from "./client.ts";
import { ibErrorToIbMcp } from "./ib-errors.ts";
import type { IbLink } from "./link.ts";
import { awaitOrderEvents, type Listener } from "./orders/await-events.ts";
import { findByRefOn, workingOn } from "./orders/find-orders.ts";
import { contractOf, ibOrdersOf } from "./orders/ib-orders-of.ts";
import { lastPriceOn } from "./orders/last-price.ts";
import { sendAndAwait } from "./orders/send-and-await.ts";
import type { IbOrders } from "./orders/types.ts";
import { whatIfOn } from "./orders/what-if.ts";
import type { IbSession } from "./session.ts";

export { type BoundContract, OrderEchoMismatch } from "./orders/echo-check.ts";
export { ibOrdersOf } from "./orders/ib-orders-of.ts";
export type { IbOrders, OrderReport, SendHooks, WhatIf, WorkingOrder } from "./orders/types.ts";

/** The IB order calls over a session: paced as general messages, one order send at a time, failed on disconnect. */
export function createIbOrders(currentSession: () => IbSession, pacer: Pacer): IbOrders {
  // order ids must rise: one send at a time, each taking the next id after the last one used
  let lock: Promise<unknown> = Promise.resolve();
  let lastUsedId = 0;
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = lock.then(work, work);
    lock = run.catch(() => undefined);
    return run;
  };

  async function call<T>(
    subject: string,
    scope: RequestScope,
    work: (link: IbLink) => Promise<T>,
    paced: PacedRequest = { kind: "general" },
  ): Promise<T> {
    currentSession().link();
    const release = await pacer.acquire(paced, scope.deadlineAt, scope.signal);
    try {
      const session = currentSession();
      const link = session.link();
      const running = work(link).catch((err: unknown) => {
        if (err instanceof IbMcpError) throw err;
        if (err instanceof IBApiNextError) throw ibErrorToIbMcp(err.code, err.error.message, subject);
        throw new IbMcpError("INTERNAL", `IB order request for ${subject} failed unexpectedly`, {
          cause: err,
        });
      });
      return await session.inFlight.run(abortable(running, scope.signal));
    } finally {
      release();
    }
  }

  async function nextIds(link: IbLink, count: number): Promise<number> {
    const fromIb = await link.next.getNextValidOrderId();
    const first = Math.max(fromIb, lastUsedId + 1);
    lastUsedId = first + count - 1;
    return first;
  }

  const boundContract = (o: { conId: number; symbol: string; sec_type: string; currency: string }) => ({
    conId: o.conId,
    symbol: o.symbol,
    secType: o.sec_type,
    currency: o.currency,
  });

  return {
    lastPrice(conId, exchange, scope) {
      return call(`conId ${conId}`, scope, (link) => lastPriceOn(link, conId, exchange), {
        kind: "marketData",
      });
    },

    whatIf(o, scope) {
      const subject = `${o.symbol} (conId ${o.conId})`;
      return call(subject, scope, (link) =>
        exclusive(async () => whatIfOn(link, scope, await nextIds(link, 1), o, subject)),
      );
    },

    place(o, orderRef, scope, hooks = {}) {
      const subject = `${o.side} ${o.quantity} ${o.symbol}`;
      return call(subject, scope, (link) =>
        exclusive(async () => {
          const count = ibOrdersOf(o, orderRef, 0).length;
          const numbered = ibOrdersOf(o, orderRef, await nextIds(link, count));
          await hooks.beforeSend?.(numbered.map(([id]) => id));
          return sendAndAwait(
            link,
            scope,
            numbered,
            contractOf(o),
            boundContract(o),
            subject,
            hooks.onEchoMismatch,
          );
        }),
      );
    },

    modify(orderId, o, orderRef, scope, opts = {}) {
      const subject = `order ${orderId}`;
      return call(subject, scope, (link) => {
        const [first] = ibOrdersOf(
          { ...o, take_profit_price: undefined, stop_loss_price: undefined },
          orderRef,
          orderId,
        );
        // a bracket leg stays under its parent: without parentId IB would detach it
        const [id, order] = first!;
        const leg: typeof first = [id, opts.parentId ? { ...order, parentId: opts.parentId } : order];
        return sendAndAwait(
          link,
          scope,
          [leg!],
          contractOf(o),
          boundContract(o),
          subject,
          opts.onEchoMismatch,
        );
      });
    },

    working(orderId, scope) {
      return call(`order ${orderId}`, scope, (link) => workingOn(link, orderId));
    },

    findByRef(orderRef, scope, orderId) {
      return call(`orderRef ${orderRef}`, scope, (link) => findByRefOn(link, orderRef, orderId));
    },

    cancel(orderId, scope) {
      const subject = `order ${orderId}`;
      return call(subject, scope, (link) =>
        awaitOrderEvents<string>(
          link,
          scope,
          [orderId],
          subject,
          (settle) => {
            const onStatus = (id: number, status: string) => {
              if (id === orderId && /cancel/i.test(status)) settle(status);
            };
            return [[EventName.orderStatus, onStatus as Listener]];
          },
          () => link.raw.cancelOrder(orderId),
        ),
      );
    },

    cancelAll(scope) {
      return call("every working order", scope, async (link) => {
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
        return awaitOrderEvents<number[]>(
          link,
          scope,
          [],
          "every working order",
          (settle) => {
            const pending = new Set(ours);
            const onStatus = (id: number, status: string) => {
              if (/cancel|filled|inactive/i.test(status)) pending.delete(id);
              if (pending.size === 0) settle(working);
            };
            return [[EventName.orderStatus, onStatus as Listener]];
          },
          () => link.raw.reqGlobalCancel(),
        );
      });
    },
  };
}
