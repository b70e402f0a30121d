import type { SimCore, SimExecution, SimOrder } from "../core.ts";
import { pushPositionChange } from "../handlers/account-push.ts";
import { round2 } from "../universe/accounts.ts";
import type { Instrument } from "../universe/instrument.ts";
import { findByConId } from "../universe/instruments.ts";
import { quoteOf } from "../universe/quotes.ts";
import { inSession } from "../universe/sessions.ts";
import { comboFill } from "./combo.ts";
import { sendCommission, sendExecution, sendOpenOrder, sendOrderStatus } from "./order-messages.ts";
import { orderEventSessions, sessionFor } from "./order-routing.ts";
import { trailCrossed } from "./trail-and-algo.ts";

/** How long a marketable order takes to fill, before timeScale. */
const FILL_DELAY_MS = 50;
/** How often resting limit orders look at the price, before timeScale. */
const WATCH_INTERVAL_MS = 250;

/** IB-like commissions in USD: per share for stocks, per contract for derivatives, a rate for forex and crypto. */
export function commissionFor(i: Instrument, qty: number, price: number): number {
  switch (i.secType) {
    case "STK":
      return round2(Math.min(Math.max(1, qty * 0.005), qty * price * 0.01));
    case "OPT":
      return round2(Math.max(1, qty * 0.65));
    case "FUT":
      return round2(qty * 2.25);
    case "CASH":
      return round2(Math.max(2, qty * price * 0.00002));
    default:
      return round2(Math.max(1.75, qty * price * 0.0018));
  }
}

function multiplierOf(i: Instrument): number {
  return i.multiplier ? Number(i.multiplier) : 1;
}

/** Amplitude and period (simulated ms) of the swing that makes resting limits near the market cross. */
const SWING = 0.004;
const SWING_PERIOD_MS = 120_000;

/**
 * The price a resting order sees: the market's one price path (what quotes show) times a ±0.4% swing
 * over two simulated minutes, so a limit within a few tenths of a percent of the market crosses within
 * one swing. The swing runs 1/timeScale faster than the clock.
 */
export function simulatedLast(core: SimCore, i: Instrument, since: number, now: number): number {
  return core.market.price(i, core.market.now()) * swingAt(core, since, now);
}

function swingAt(core: SimCore, since: number, now: number): number {
  const elapsed = (now - since) / core.config.timeScale;
  return 1 + SWING * Math.sin((2 * Math.PI * elapsed) / SWING_PERIOD_MS);
}

/** One trade a fill books: an instrument, a signed quantity and its price (a combo books one per leg). */
export interface Trade {
  i: Instrument;
  signed: number;
  price: number;
}

/** Books one trade into the account's position and cash; returns the position, realized PnL and commission. */
function book(core: SimCore, account: string, t: Trade) {
  const acct = core.account(account)!;
  const { i, signed, price } = t;
  const mult = multiplierOf(i);
  const commission = commissionFor(i, Math.abs(signed), price);
  const pos = acct.positions.get(i.conId) ?? { instrument: i, quantity: 0, avgCost: 0, realizedPnl: 0 };
  let realized: number | undefined;
  if (pos.quantity === 0 || Math.sign(pos.quantity) === Math.sign(signed)) {
    pos.avgCost = (pos.avgCost * pos.quantity + price * mult * signed) / (pos.quantity + signed);
  } else {
    const closing = Math.min(Math.abs(signed), Math.abs(pos.quantity));
    realized = round2((price * mult - pos.avgCost) * closing * Math.sign(pos.quantity) - commission);
    pos.realizedPnl = round2(pos.realizedPnl + realized);
    if (Math.abs(signed) > Math.abs(pos.quantity)) pos.avgCost = price * mult;
  }
  pos.quantity += signed;
  if (pos.quantity === 0) acct.positions.delete(i.conId);
  else acct.positions.set(i.conId, pos);
  acct.cash = round2(acct.cash - signed * price * mult - commission);
  return { pos, realized, commission };
}

/** Books a fill (one trade, or a combo's legs): positions, cash, executions, and the messages IB sends for it. */
function fill(core: SimCore, o: SimOrder, i: Instrument, price: number, trades?: Trade[]): void {
  const qty = o.quantity - o.filled;
  const booked = trades ?? [{ i, signed: o.action === "BUY" ? qty : -qty, price }];
  o.filled = o.quantity;
  o.avgFillPrice = price;
  o.status = "Filled";
  o.completedAt = Date.now();
  o.stopWatch?.();
  const conn = sessionFor(core, o);
  for (const to of orderEventSessions(core, o)) {
    sendOpenOrder(to, o, i);
    sendOrderStatus(to, o, price);
  }
  for (const [k, t] of booked.entries()) {
    const { pos, realized, commission } = book(core, o.account, t);
    const exec: SimExecution = {
      execId: `0000e0d5.${o.permId.toString(16)}.01.0${k + 1}`,
      orderId: o.orderId,
      clientId: o.clientId,
      permId: o.permId,
      account: o.account,
      conId: t.i.conId,
      side: t.signed > 0 ? "BOT" : "SLD",
      shares: Math.abs(t.signed),
      price: t.price,
      time: core.market.now(), // the simulated clock (a replay's day), as the quotes it filled on
      commission,
      orderRef: o.orderRef,
    };
    core.executions.push(exec);
    sendExecution(conn, -1, exec, t.i);
    sendCommission(conn, exec, realized);
    pushPositionChange(core, o.account, pos);
  }
  afterFill(core, o);
  core.log("info", `order ${o.orderId} filled: ${o.action} ${qty} ${i.localSymbol} @ ${price}`);
}

/** Whether the order can still trade or be cancelled. */
export function isWorking(o: SimOrder): boolean {
  return o.status === "Submitted" || o.status === "PreSubmitted";
}

/** The fill price if the order can trade now, else undefined; a stop whose trigger is crossed turns into MKT or LMT. */
function marketablePrice(o: SimOrder, i: Instrument, last: number): number | undefined {
  const q = quoteOf(i, last);
  let type = o.orderType;
  if (type === "STP" || type === "STP LMT") {
    if (!o.triggered) {
      const crossed = o.action === "BUY" ? last >= o.auxPrice : last <= o.auxPrice;
      if (!crossed) return undefined;
      o.triggered = true;
    }
    type = type === "STP" ? "MKT" : "LMT";
  }
  if (type === "TRAIL" || type === "TRAIL LIMIT") {
    if (!o.triggered) {
      if (!trailCrossed(o, last)) return undefined;
      o.triggered = true;
      const offset = o.lmtPriceOffset ?? 0;
      const stop = o.trailStopPrice ?? last;
      if (type === "TRAIL LIMIT") o.lmtPrice = o.action === "SELL" ? stop - offset : stop + offset;
    }
    type = type === "TRAIL" ? "MKT" : "LMT";
  }
  if (type === "MKT") return o.action === "BUY" ? q.ask : q.bid;
  if (o.action === "BUY" && q.ask <= o.lmtPrice) return Math.min(o.lmtPrice, q.ask);
  if (o.action === "SELL" && q.bid >= o.lmtPrice) return Math.max(o.lmtPrice, q.bid);
  return undefined;
}

/**
 * Whether the order may trade at the simulated now: as IB, only while the instrument's session is open
 * (regular hours, or extended hours when the order allows outside RTH); a closed day never trades.
 */
export function canTradeNow(core: SimCore, o: SimOrder, i: Instrument): boolean {
  return inSession(core.market.now(), i.session, i.timeZoneId, !o.outsideRth);
}

/**
 * Starts watching the price: a first look after the fill delay, then periodic ones. Out of session the
 * order stays working (as IB, it is accepted) and fills at the first look once the session opens.
 */
function startWatch(core: SimCore, o: SimOrder, i: Instrument): void {
  const since = Date.now();
  const check = () => {
    if (o.status !== "Submitted" || !o.owner.isOpen || !canTradeNow(core, o, i)) return;
    if (o.combo) {
      const c = comboFill(core, o, swingAt(core, since, Date.now()));
      if (c) fill(core, o, i, c.price, c.trades);
      return;
    }
    const price = marketablePrice(o, i, simulatedLast(core, i, since, Date.now()));
    if (price !== undefined) fill(core, o, i, price);
  };
  const first = setTimeout(check, core.scaled(FILL_DELAY_MS));
  const watch = setInterval(check, Math.max(5, core.scaled(WATCH_INTERVAL_MS)));
  o.stopWatch = () => {
    clearTimeout(first);
    clearInterval(watch);
  };
  o.owner.subscriptions.set(-1_000_000 - o.orderId, () => o.stopWatch?.());
}

/** Makes a transmitted order live: Submitted and watched, or PreSubmitted while its bracket parent has not filled. */
function activate(core: SimCore, o: SimOrder): void {
  const i = findByConId(o.conId);
  if (!i) return;
  o.held = false;
  const parent = o.parentId ? core.orders.get(o.parentId) : undefined;
  if (parent && (parent.status === "Cancelled" || parent.held)) {
    cancelSimOrder(core, o, i);
    return;
  }
  o.status = parent && parent.status !== "Filled" ? "PreSubmitted" : "Submitted";
  for (const to of orderEventSessions(core, o)) {
    sendOpenOrder(to, o, i);
    sendOrderStatus(to, o);
  }
  if (o.status === "Submitted") startWatch(core, o, i);
}

/** The top of an order's parentId chain. */
function rootOf(core: SimCore, o: SimOrder): number {
  let id = o.orderId;
  for (let p = o.parentId, hops = 0; p && hops < 100; hops++) {
    id = p;
    p = core.orders.get(p)?.parentId ?? 0;
  }
  return id;
}

/**
 * Accepts an order. With transmit false IB holds it (nothing is sent) until an order of the same
 * parentId chain arrives with transmit true; then every held order of the chain goes live, parent first.
 * Re-placing an id (IB's modify) stops the replaced order's watcher first.
 */
export function submitOrder(core: SimCore, o: SimOrder, _i: Instrument): void {
  core.orders.get(o.orderId)?.stopWatch?.();
  core.orders.set(o.orderId, o);
  if (!o.transmit) {
    o.held = true;
    return;
  }
  o.held = true;
  const root = rootOf(core, o);
  const group = [...core.orders.values()]
    .filter((g) => g.held && g.owner === o.owner && rootOf(core, g) === root)
    .sort((a, b) => a.orderId - b.orderId);
  for (const g of group) activate(core, g);
}

/** After a fill: a parent's children go live; a child's fill cancels its siblings, an OCA member's the rest of its group. */
function afterFill(core: SimCore, o: SimOrder): void {
  for (const c of core.orders.values()) {
    if (c === o || !isWorking(c) || c.held) continue;
    const i = findByConId(c.conId);
    if (!i) continue;
    if (c.parentId === o.orderId && c.status === "PreSubmitted") {
      c.status = "Submitted";
      for (const to of orderEventSessions(core, c)) sendOrderStatus(to, c);
      startWatch(core, c, i);
    } else if (o.parentId && c.parentId === o.parentId) {
      cancelSimOrder(core, c, i);
    } else if (o.ocaGroup && c.ocaGroup === o.ocaGroup && c.owner === o.owner) {
      cancelSimOrder(core, c, i);
    }
  }
}

/** Cancels a working order and its bracket children: Cancelled status and IB's 202 notice. */
export function cancelSimOrder(core: SimCore, o: SimOrder, i: Instrument): void {
  o.stopWatch?.();
  o.held = false;
  o.status = "Cancelled";
  o.completedAt = Date.now();
  for (const to of orderEventSessions(core, o)) {
    sendOrderStatus(to, o);
    sendOpenOrder(to, o, i);
  }
  sessionFor(core, o).error(o.orderId, 202, "Order Canceled - reason:");
  for (const c of core.orders.values()) {
    const ci = findByConId(c.conId);
    if (c.parentId === o.orderId && isWorking(c) && ci) cancelSimOrder(core, c, ci);
  }
}
