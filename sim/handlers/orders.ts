import type { HandlerFn } from "../connection.ts";
import type { SimOrder } from "../core.ts";
import { comboInstrument } from "../orders/combo.ts";
import { cancelSimOrder, isWorking, submitOrder } from "../orders/order-engine.ts";
import { sendCommission, sendExecution, sendOpenOrder, sendOrderStatus } from "../orders/order-messages.ts";
import { applyTamper } from "../orders/order-tamper.ts";
import { readPlaceOrder } from "../orders/place-order-fields.ts";
import { trailAndAlgoError, trailAndAlgoOf } from "../orders/trail-and-algo.ts";
import { whatIfState } from "../orders/what-if.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";
import { findByConId } from "../universe/instruments.ts";
import { resolveContract } from "./resolve-contract.ts";

const ORDER_TYPES = ["MKT", "LMT", "STP", "STP LMT", "TRAIL", "TRAIL LIMIT"];

/**
 * placeOrder: MKT fills at the simulated bid/ask, LMT when marketable or once the price crosses, STP and
 * STP LMT once the price crosses auxPrice; same id modifies; a what-if answers with a preview and places nothing;
 * transmit=false holds the order until its bracket group transmits.
 */
export const placeOrder: HandlerFn = (conn, r) => {
  const core = conn.core;
  const { order: p, contract: q } = readPlaceOrder(r, conn.serverVersion);
  if (r.more) core.log("warn", `placeOrder ${p.orderId}: fields left over after the walk; check the encoder`);
  const orderId = p.orderId;
  const account = p.account || core.config.accounts[0]!;
  const bag = q.secType.toUpperCase() === "BAG";
  const instrument = bag ? comboInstrument(conn, orderId, p.comboLegs) : resolveContract(conn, orderId, q);
  if (!instrument) return;
  const { action, orderType, lmtPrice, auxPrice } = p;
  if (action !== "BUY" && action !== "SELL")
    return conn.error(
      orderId,
      321,
      `Error validating request:-'bO' : cause - action "${action}" must be BUY or SELL`,
    );
  if (!(p.totalQuantity > 0))
    return conn.error(
      orderId,
      321,
      "Error validating request:-'bO' : cause - order quantity must be positive",
    );
  if (!ORDER_TYPES.includes(orderType)) {
    return conn.error(
      orderId,
      387,
      `Unsupported order type for this exchange and security type (${orderType}); the simulator accepts ${ORDER_TYPES.join(", ")}`,
    );
  }
  if (orderType.includes("LMT") && !(lmtPrice > 0))
    return conn.error(
      orderId,
      321,
      "Error validating request:-'bO' : cause - a limit order needs a positive limit price",
    );
  if (orderType.startsWith("STP") && !(auxPrice > 0))
    return conn.error(
      orderId,
      321,
      "Error validating request:-'bO' : cause - a stop order needs a positive stop (aux) price",
    );
  const trailOrAlgo = trailAndAlgoError(p);
  if (trailOrAlgo) return conn.error(orderId, 321, `Error validating request:-'bO' : cause - ${trailOrAlgo}`);
  if (!core.accounts.has(account))
    return conn.error(
      orderId,
      321,
      `Error validating request:-'bO' : cause - unknown account ${account}; use one of ${core.config.accounts.join(",")}`,
    );
  const parent = p.parentId ? core.orders.get(p.parentId) : undefined;
  if (p.parentId && (!parent || !isWorking(parent)))
    return conn.error(
      orderId,
      321,
      `Error validating request:-'bO' : cause - parent order ${p.parentId} is not a working order; place the parent first`,
    );

  const existing = core.orders.get(orderId);
  if (existing && !isWorking(existing))
    return conn.error(orderId, 104, `Can't modify a filled or cancelled order (${existing.status})`);
  if (!existing && orderId < core.nextOrderId)
    return conn.error(
      orderId,
      103,
      `Duplicate order id ${orderId}; use nextValidId (${core.nextOrderId}) or higher`,
    );
  core.nextOrderId = Math.max(core.nextOrderId, orderId + 1);
  const o: SimOrder = {
    orderId,
    clientId: conn.clientId ?? 0,
    permId: existing?.permId ?? core.nextPermId++,
    account,
    conId: instrument.conId,
    action,
    quantity: p.totalQuantity,
    orderType,
    lmtPrice,
    auxPrice,
    tif: p.tif || "DAY",
    outsideRth: p.outsideRth,
    orderRef: p.orderRef,
    parentId: p.parentId,
    transmit: p.transmit,
    ...trailAndAlgoOf(p),
    ...(bag
      ? { combo: { symbol: q.symbol.toUpperCase(), currency: q.currency || "USD", legs: p.comboLegs } }
      : {}),
    status: "PreSubmitted",
    filled: 0,
    avgFillPrice: 0,
    owner: conn,
  };
  // a what-if is a preview only: nothing is stored, watched or filled
  if (p.whatIf) return sendOpenOrder(conn, o, instrument, whatIfState(core, o, instrument));
  applyTamper(core, o);
  submitOrder(core, o, instrument);
};

/** cancelOrder: 202 once cancelled; 135 for an unknown id, 10148 when it already finished. */
export const cancelOrder: HandlerFn = (conn, r) => {
  const orderId = r.int();
  const o = conn.core.orders.get(orderId);
  const i = o && findByConId(o.conId);
  if (!o || !i) return conn.error(orderId, 135, `Can't find order with id = ${orderId}`);
  if (!isWorking(o))
    return conn.error(
      orderId,
      10148,
      `OrderId ${orderId} that needs to be cancelled cannot be cancelled, state: ${o.status}.`,
    );
  cancelSimOrder(conn.core, o, i);
};

/** reqGlobalCancel: cancels every working order. */
export const reqGlobalCancel: HandlerFn = (conn) => {
  for (const o of conn.core.orders.values()) {
    const i = findByConId(o.conId);
    if (isWorking(o) && i) cancelSimOrder(conn.core, o, i);
  }
};

function openOrdersHandler(allClients: boolean): HandlerFn {
  return (conn) => {
    for (const o of conn.core.orders.values()) {
      const i = findByConId(o.conId);
      if (!isWorking(o) || o.held || !i) continue;
      if (!allClients && conn.clientId !== 0 && o.clientId !== conn.clientId) continue;
      sendOpenOrder(conn, o, i);
      sendOrderStatus(conn, o);
    }
    conn.send(ServerMsg.openOrderEnd, 1);
  };
}

/** reqOpenOrders: this client's working orders (every client's for clientId 0), then the end marker. */
export const reqOpenOrders = openOrdersHandler(false);
/** reqAllOpenOrders: every working order, then the end marker. */
export const reqAllOpenOrders = openOrdersHandler(true);

/** reqExecutions: today's fills matching the filter, each with its commission report, then the end marker. */
export const reqExecutions: HandlerFn = (conn, r) => {
  r.int(); // version
  const reqId = r.int();
  const clientId = r.int();
  const account = r.str();
  r.str(); // time
  const symbol = r.str().toUpperCase();
  const secType = r.str().toUpperCase();
  r.str(); // exchange
  const side = r.str().toUpperCase();
  for (const e of conn.core.executions) {
    const i = findByConId(e.conId);
    if (!i) continue;
    if (clientId && e.clientId !== clientId) continue;
    if (account && e.account !== account) continue;
    if (symbol && i.symbol !== symbol) continue;
    if (secType && i.secType !== secType) continue;
    if (
      side &&
      !(side === e.side || (side === "BUY" && e.side === "BOT") || (side === "SELL" && e.side === "SLD"))
    )
      continue;
    sendExecution(conn, reqId, e, i);
    sendCommission(conn, e, undefined);
  }
  conn.send(ServerMsg.executionDataEnd, 1, reqId);
};
