import type { CommissionReport, Contract, Execution as IbExecution, Order, OrderState } from "@stoqey/ib";
import type { Execution, OpenOrder, PnlValues, PortfolioItem, Positions } from "../client-types.ts";
import { compact, ibNumber, ibString, toContractSummary } from "../convert.ts";

export type PositionRow = Positions[number];

/** One `position` message as get_positions shows it; the request path and the state share it. */
export function toPositionRow(
  account: string,
  contract: Contract,
  pos: number,
  avgCost?: number,
): PositionRow {
  return { account, contract: toContractSummary(contract), position: pos, avgCost: avgCost ?? 0 };
}

/** One `updatePortfolio` message as get_portfolio shows it. */
export function toPortfolioItem(
  account: string,
  contract: Contract,
  position: number,
  marketPrice: number,
  marketValue: number,
  averageCost?: number,
  unrealizedPnL?: number,
  realizedPnL?: number,
): PortfolioItem {
  return compact({
    account,
    contract: toContractSummary(contract),
    position,
    marketPrice,
    marketValue,
    averageCost: ibNumber(averageCost),
    unrealizedPnL: ibNumber(unrealizedPnL),
    realizedPnL: ibNumber(realizedPnL),
  });
}

/** One `pnl` message as get_pnl shows an account's totals. */
export function toPnlValues(dailyPnL?: number, unrealizedPnL?: number, realizedPnL?: number): PnlValues {
  return compact({
    dailyPnL: ibNumber(dailyPnL),
    unrealizedPnL: ibNumber(unrealizedPnL),
    realizedPnL: ibNumber(realizedPnL),
  });
}

/** One `execDetails` message joined with its `commissionReport` (if it came) as get_executions shows it. */
export function toExecution(contract: Contract, e: IbExecution, r: CommissionReport | undefined): Execution {
  return compact({
    execId: e.execId ?? "",
    orderId: e.orderId ?? 0,
    permId: ibNumber(e.permId),
    account: e.acctNumber ?? "",
    contract: toContractSummary(contract),
    time: e.time ?? "",
    side: e.side ?? "",
    shares: e.shares ?? 0,
    price: e.price ?? 0,
    exchange: ibString(e.exchange),
    commission: ibNumber(r?.commission),
    commissionCurrency: ibString(r?.currency),
    realizedPnL: ibNumber(r?.realizedPNL),
  });
}

/** What IB's last `orderStatus` said of an order (absent before the first one). */
export interface OrderStatusFields {
  status?: string;
  filled?: number;
  remaining?: number;
  avgFillPrice?: number;
}

/** One `openOrder` message with the order's latest `orderStatus` as get_open_orders shows it. */
export function toOpenOrder(
  orderId: number,
  contract: Contract,
  order: Order,
  state: OrderState,
  s: OrderStatusFields | undefined,
): OpenOrder {
  return compact({
    orderId,
    permId: ibNumber(order.permId),
    clientId: ibNumber(order.clientId),
    account: ibString(order.account),
    orderRef: ibString(order.orderRef),
    contract: toContractSummary(contract),
    action: String(order.action ?? ""),
    totalQuantity: order.totalQuantity ?? 0,
    orderType: String(order.orderType ?? ""),
    limitPrice: ibNumber(order.lmtPrice),
    auxPrice: ibNumber(order.auxPrice) || undefined,
    timeInForce: ibString(order.tif === undefined ? undefined : String(order.tif)),
    status: String(s?.status ?? state.status ?? ""),
    filled: ibNumber(s?.filled),
    remaining: ibNumber(s?.remaining),
    avgFillPrice: ibNumber(s?.avgFillPrice) || undefined,
  });
}
