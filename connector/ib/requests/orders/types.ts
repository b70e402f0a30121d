import type { BoundOrder } from "../../../../shared/schemas/order.ts";
import type { RequestScope } from "../../request.ts";

/** The contract an order was bound to, as IB's echo must name it. */
export interface BoundContract {
  conId: number;
  symbol: string;
  secType: string;
  currency: string;
  /** A BAG's legs: IB names the combo by its own conId, so the legs are what must match. */
  legs?: ReadonlyArray<{ conId: number; ratio: number; action: string }>;
}

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

/** A working order as IB's open orders show it, for the rules of what a modification may change. */
export interface WorkingOrder {
  orderId: number;
  /** Whether this connector's IB clientId placed it: IB lets only that client change it. */
  placedByThisClient: boolean;
  status: string;
  contract: { conId: number; symbol: string; secType: string; exchange: string; currency: string };
  side: string;
  orderType: string;
  quantity: number;
  limitPrice?: number;
  stopPrice?: number;
  tif: string;
  outsideRth: boolean;
  account: string;
  orderRef: string;
  /** The bracket parent's id, 0 for none. */
  parentId: number;
  /** Working orders whose parent this one is. */
  childOrderIds: number[];
  /** IB's algo ("" for none) and one-cancels-all group ("" for none). */
  algo: string;
  ocaGroup: string;
}

/** Hooks of a placement: the journal before anything leaves, and the desk's kill switch on a differing echo. */
export interface SendHooks {
  /** Gets the order ids first and must resolve before anything leaves (the placement journal). */
  beforeSend?: (ids: number[]) => Promise<void>;
  /** Called as soon as IB's echo differs from what was sent, before the cancel is confirmed. */
  onEchoMismatch?: (differences: string[]) => void;
}

/** The order requests the trade tools need; only connector/ib knows @stoqey/ib. */
export interface IbOrders {
  /** The last traded price (else the midpoint, else the close) from a snapshot. */
  lastPrice(conId: number, exchange: string, scope: RequestScope): Promise<number>;
  /** IB's what-if check; nothing is placed. For a bracket the parent is checked. */
  whatIf(o: BoundOrder, scope: RequestScope): Promise<WhatIf>;
  /**
   * Sends the order (a bracket: parent and two children) tagged with orderRef; resolves once IB acknowledged and
   * echoed every leg as sent. An echo that differs from what was sent is cancelled at once (every leg) and fails
   * with OrderEchoMismatch.
   */
  place(o: BoundOrder, orderRef: string, scope: RequestScope, hooks?: SendHooks): Promise<OrderReport>;
  /**
   * Re-sends a working order under its id with the new parameters, under its bracket parent `parentId` (0: none);
   * checked against IB's echo like `place`.
   */
  modify(
    orderId: number,
    o: BoundOrder,
    orderRef: string,
    scope: RequestScope,
    opts?: { parentId?: number; onEchoMismatch?: SendHooks["onEchoMismatch"] },
  ): Promise<OrderReport>;
  /** The order among every client's open orders, or undefined when IB shows no working order with that id. */
  working(orderId: number, scope: RequestScope): Promise<WorkingOrder | undefined>;
  /** An order carrying orderRef (or, when given, with orderId) among IB's open orders or today's executions. */
  findByRef(orderRef: string, scope: RequestScope, orderId?: number): Promise<OrderReport | undefined>;
  cancel(orderId: number, scope: RequestScope): Promise<string>;
  /** Global cancel; resolves with the ids that were working. */
  cancelAll(scope: RequestScope): Promise<number[]>;
}
