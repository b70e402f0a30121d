import {
  type Contract,
  EventName,
  IBApiNextError,
  isNonFatalError,
  type Order,
  type OrderAction,
  type OrderState,
  type OrderType,
  type TimeInForce,
} from "@stoqey/ib";
import { IbMcpError } from "../../shared/errors.ts";
import type { BoundOrder } from "../../shared/schemas/order.ts";
import { abortable } from "../deadline.ts";
import type { PacedRequest, Pacer } from "../pacing/index.ts";
import type { RequestScope } from "./client.ts";
import { ibErrorToIbMcp } from "./ib-errors.ts";
import type { IbLink } from "./link.ts";
import { orderRejection } from "./order-rejections.ts";
import type { IbSession } from "./session.ts";

/** IB's what-if answer: the order's commission and margin impact. */
export interface WhatIf {
  status: string;
  commission?: number;
  minCommission?: number;
  maxCommission?: number;
  commissionCurrency?: string;
  initMarginChange?: number;
  maintMarginChange?: number;
  equityWithLoanAfter?: number;
  warning?: string;
}

/** An order as IB last reported it. */
export interface OrderReport {
  orderId: number;
  childOrderIds: number[];
  status: string;
  filled: number;
  remaining: number;
  avgFillPrice?: number;
  permId?: number;
}

/** The order requests the trade tools need; only this file and client.ts know @stoqey/ib. */
export interface IbOrders {
  /** The last traded price (else the midpoint, else the close) from a snapshot. */
  lastPrice(conId: number, exchange: string, scope: RequestScope): Promise<number>;
  /** IB's what-if check; nothing is placed. For a bracket the parent is checked. */
  whatIf(o: BoundOrder, scope: RequestScope): Promise<WhatIf>;
  /**
   * Sends the order (a bracket: parent and two children) tagged with orderRef; resolves once IB acknowledged every
   * leg. `beforeSend` gets the ids first and must resolve before anything leaves (the placement journal).
   */
  place(
    o: BoundOrder,
    orderRef: string,
    scope: RequestScope,
    beforeSend?: (ids: number[]) => Promise<void>,
  ): Promise<OrderReport>;
  /** Re-sends a working order under its id with the new parameters. */
  modify(orderId: number, o: BoundOrder, orderRef: string, scope: RequestScope): Promise<OrderReport>;
  /** An order carrying orderRef (or, when given, with orderId) among IB's open orders or today's executions. */
  findByRef(orderRef: string, scope: RequestScope, orderId?: number): Promise<OrderReport | undefined>;
  cancel(orderId: number, scope: RequestScope): Promise<string>;
  /** Global cancel; resolves with the ids that were working. */
  cancelAll(scope: RequestScope): Promise<number[]>;
}

const UNSET = Number.MAX_VALUE;
const num = (v: number | undefined) => (v === undefined || v === UNSET || Number.isNaN(v) ? undefined : v);

function contractOf(o: BoundOrder): Contract {
  return { conId: o.conId, exchange: o.exchange, currency: o.currency };
}

/** The IB orders one bound order becomes: one, or a bracket's parent, take-profit and stop-loss. */
export function ibOrdersOf(o: BoundOrder, orderRef: string, firstId: number): Array<[number, Order]> {
  const common = {
    totalQuantity: o.quantity,
    tif: o.tif as TimeInForce,
    outsideRth: o.outside_rth,
    account: o.account,
  };
  const parent: Order = {
    ...common,
    action: o.side as OrderAction,
    orderType: o.order_type as OrderType,
    lmtPrice: o.limit_price,
    auxPrice: o.stop_price,
    orderRef,
    transmit: true,
  };
  if (o.take_profit_price === undefined || o.stop_loss_price === undefined) return [[firstId, parent]];
  const exit = (o.side === "BUY" ? "SELL" : "BUY") as OrderAction;
  // IB's bracket: only the last child transmits, so nothing goes out until all three arrived
  return [
    [firstId, { ...parent, transmit: false }],
    [
      firstId + 1,
      {
        ...common,
        action: exit,
        orderType: "LMT" as OrderType,
        lmtPrice: o.take_profit_price,
        parentId: firstId,
        orderRef: `${orderRef}-tp`,
        transmit: false,
      },
    ],
    [
      firstId + 2,
      {
        ...common,
        action: exit,
        orderType: "STP" as OrderType,
        auxPrice: o.stop_loss_price,
        parentId: firstId,
        orderRef: `${orderRef}-sl`,
        transmit: true,
      },
    ],
  ];
}

type Listener = (...args: never[]) => void;

/** Listens on the raw API until `settle` is called, the deadline passes or an IB error names one of `ids`. */
function awaitOrderEvents<T>(
  link: IbLink,
  scope: RequestScope,
  ids: readonly number[],
  subject: string,
  setup: (settle: (value: T) => void, fail: (err: IbMcpError) => void) => Array<[EventName, Listener]>,
  send: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const events: Array<[EventName, Listener]> = [];
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      for (const [e, l] of events) link.raw.removeListener(e, l as never);
      link.raw.removeListener(EventName.error, onError);
      scope.signal.removeEventListener("abort", onAbort);
      f();
    };
    const settle = (v: T) => finish(() => resolve(v));
    const fail = (err: IbMcpError) => finish(() => reject(err));
    const onError = (err: Error, code: number, id: number) => {
      if (!ids.includes(id) || isNonFatalError(code, err)) return;
      fail(orderRejection(code, err.message, subject));
    };
    const onAbort = () => fail(scope.signal.reason as IbMcpError);
    if (scope.signal.aborted) return reject(scope.signal.reason);
    events.push(...setup(settle, fail));
    for (const [e, l] of events) link.raw.addListener(e, l as never);
    link.raw.on(EventName.error, onError);
    scope.signal.addEventListener("abort", onAbort, { once: true });
    send();
  });
}

/** How long a what-if answered as a real order waits for its cancel to be confirmed. */
const STRAY_CANCEL_WAIT_MS = 2_000;

const rejectedStatuses = new Set(["Inactive", "ApiCancelled"]);
/** How long an Inactive order waits for the error that tells why, before it is reported without one. */
const REASON_GRACE_MS = 500;

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

  function sendAndAwait(
    link: IbLink,
    scope: RequestScope,
    orders: Array<[number, Order]>,
    contract: Contract,
    subject: string,
  ): Promise<OrderReport> {
    const ids = orders.map(([id]) => id);
    const parentId = ids[0] ?? 0;
    const report: OrderReport = {
      orderId: parentId,
      childOrderIds: ids.slice(1),
      status: "",
      filled: 0,
      remaining: 0,
    };
    return awaitOrderEvents<OrderReport>(
      link,
      scope,
      ids,
      subject,
      (settle, fail) => {
        let grace: NodeJS.Timeout | undefined;
        // every leg must be acknowledged: a bracket child IB refuses fails the whole placement
        const pending = new Set(ids);
        const onStatus = (
          id: number,
          status: string,
          filled: number,
          remaining: number,
          avg: number,
          permId?: number,
        ) => {
          if (!ids.includes(id)) return;
          if (id === parentId)
            Object.assign(report, { status, filled, remaining, avgFillPrice: num(avg) || undefined, permId });
          if (rejectedStatuses.has(status)) {
            // IB sends the reason as an error for the id; give it a moment to arrive, then report without it
            grace ??= setTimeout(
              () => fail(orderRejection(201, `order ${id} ${status} without a reason from IB`, subject)),
              REASON_GRACE_MS,
            );
            return;
          }
          pending.delete(id);
          if (pending.size === 0) {
            clearTimeout(grace);
            settle(report);
          }
        };
        return [[EventName.orderStatus, onStatus as Listener]];
      },
      () => {
        for (const [id, order] of orders) link.raw.placeOrder(id, contract, order);
      },
    );
  }

  return {
    lastPrice(conId, exchange, scope) {
      return call(
        `conId ${conId}`,
        scope,
        async (link) => {
          const snap = await link.next.getMarketDataSnapshot({ conId, exchange }, "", false);
          const tick = (...types: number[]) => {
            for (const t of types) {
              const v = num(snap.get(t)?.value);
              if (v !== undefined && v > 0) return v;
            }
            return undefined;
          };
          const last = tick(4, 68);
          const bid = tick(1, 66);
          const ask = tick(2, 67);
          const price = last ?? (bid && ask ? (bid + ask) / 2 : undefined) ?? tick(9, 75);
          if (price === undefined)
            throw new IbMcpError(
              "NOT_FOUND",
              `IB has no last, bid/ask or close price for conId ${conId}, so the order's notional and price band cannot be checked`,
            );
          return price;
        },
        { kind: "marketData" },
      );
    },

    whatIf(o, scope) {
      const subject = `${o.symbol} (conId ${o.conId})`;
      return call(subject, scope, (link) =>
        exclusive(async () => {
          const id = await nextIds(link, 1);
          const [first] = ibOrdersOf(o, "", id);
          const order: Order = { ...first![1], whatIf: true, transmit: true, orderRef: undefined };
          return awaitOrderEvents<WhatIf>(
            link,
            scope,
            [id],
            subject,
            (settle, fail) => {
              const onOpen = (orderId: number, _c: Contract, answered: Order, st: OrderState) => {
                if (orderId !== id) return;
                if (answered.whatIf !== true) {
                  // the server took it as a real order: withdraw it at once, and refuse the preview once it is gone
                  const gone = (oid: number, status: string) => {
                    if (oid === id && /cancel|filled/i.test(status)) refuse();
                  };
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
              return [[EventName.openOrder, onOpen as Listener]];
            },
            () => link.raw.placeOrder(id, contractOf(o), order),
          );
        }),
      );
    },

    place(o, orderRef, scope, beforeSend) {
      const subject = `${o.side} ${o.quantity} ${o.symbol}`;
      return call(subject, scope, (link) =>
        exclusive(async () => {
          const orders = ibOrdersOf(o, orderRef, 0);
          const first = await nextIds(link, orders.length);
          const numbered = ibOrdersOf(o, orderRef, first);
          await beforeSend?.(numbered.map(([id]) => id));
          return sendAndAwait(link, scope, numbered, contractOf(o), subject);
        }),
      );
    },

    modify(orderId, o, orderRef, scope) {
      const subject = `order ${orderId}`;
      return call(subject, scope, (link) => {
        const [first] = ibOrdersOf(
          { ...o, take_profit_price: undefined, stop_loss_price: undefined },
          orderRef,
          orderId,
        );
        return sendAndAwait(link, scope, [first!], contractOf(o), subject);
      });
    },

    findByRef(orderRef, scope, orderId) {
      return call(`orderRef ${orderRef}`, scope, async (link) => {
        const open = await link.next.getAllOpenOrders();
        // by orderRef where IB echoes it, and by the journal's order id (same clientId) where it does not
        const isParent = (x: { orderId: number; order: Order }) =>
          x.order.orderRef === orderRef || (orderId !== undefined && x.orderId === orderId);
        const mine = open.filter(
          (x) =>
            isParent(x) ||
            x.order.orderRef?.startsWith(`${orderRef}-`) ||
            (orderId !== undefined && x.order.parentId === orderId),
        );
        const parent = mine.find(isParent);
        if (parent) {
          return {
            orderId: parent.orderId,
            childOrderIds: mine.filter((x) => x !== parent).map((x) => x.orderId),
            status: parent.orderStatus?.status ?? String(parent.orderState.status ?? "Submitted"),
            filled: parent.orderStatus?.filled ?? 0,
            remaining: parent.orderStatus?.remaining ?? Number(parent.order.totalQuantity ?? 0),
            avgFillPrice: num(parent.orderStatus?.avgFillPrice) || undefined,
            permId: parent.order.permId,
          };
        }
        const fills = (await link.next.getExecutionDetails({})).filter(
          (d) =>
            d.execution.orderRef === orderRef || (orderId !== undefined && d.execution.orderId === orderId),
        );
        const last = fills.at(-1);
        if (!last) return undefined;
        return {
          orderId: last.execution.orderId ?? 0,
          childOrderIds: [],
          status: "Filled",
          filled: last.execution.cumQty ?? 0,
          remaining: 0,
          avgFillPrice: last.execution.avgPrice,
          permId: last.execution.permId,
        };
      });
    },

    cancel(orderId, scope) {
      const subject = `order ${orderId}`;
      // IB's "Order Canceled - reason:" notice, and "cannot be cancelled, state: ..." for a finished order
      const ORDER_CANCELLED_NOTICE = 202;
      const NOT_CANCELLABLE = 10148;
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
            // IB may confirm with its 202 notice before the status, and answers 10148 for an order already
            // cancelled: both mean the order is cancelled, not that the cancel was refused. (Listed before the
            // generic order-error listener, so they win over it.)
            const onNotice = (err: Error, code: number, id: number) => {
              if (id !== orderId) return;
              if (code === ORDER_CANCELLED_NOTICE) settle("Cancelled");
              else if (code === NOT_CANCELLABLE && /state:\s*(Api)?Cancell?ed/i.test(err.message))
                settle("Cancelled");
            };
            return [
              [EventName.orderStatus, onStatus as Listener],
              [EventName.error, onNotice as Listener],
            ];
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
