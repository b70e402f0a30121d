import type { SimConnection } from "../connection.ts";
import type { SimCore } from "../core.ts";
import { marksAt, markTime } from "../market/marks.ts";
import { contractFields } from "../protocol/contract-fields.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";
import {
  accountValues,
  dailyPnl,
  ledgerValues,
  type Marks,
  marketValue,
  round2,
  type SimPosition,
  unrealizedPnl,
} from "../universe/accounts.ts";

/**
 * What IB pushes about an account after the initial downloads, to every client subscribed (not only to the one
 * whose order filled): a `position` per changed position (reqPositions), an `updatePortfolio` row plus the
 * account values (reqAccountUpdates of that account), a `pnl` update (reqPnL of that account) and the
 * account summary rows (reqAccountSummary); the same again, without a fill, at each refresh of the marks.
 */

/** The account each connection follows with reqAccountUpdates (IB: one at a time). */
const accountUpdatesOf = new WeakMap<SimConnection, string>();
/** reqPnL subscriptions of each connection: reqId → account. */
const pnlOf = new WeakMap<SimConnection, Map<number, string>>();

/** reqAccountSummary subscriptions of each connection: reqId → the tags asked for. */
const summaryOf = new WeakMap<SimConnection, Map<number, ReadonlySet<string>>>();

/** Connections with a timer watching for the next 3-minute refresh of the marks. */
const refreshing = new WeakSet<SimConnection>();

export function followAccountUpdates(conn: SimConnection, account: string | undefined): void {
  if (account === undefined) accountUpdatesOf.delete(conn);
  else accountUpdatesOf.set(conn, account);
  if (account !== undefined) watchMarks(conn);
}

export function followPnl(conn: SimConnection, reqId: number, account: string | undefined): void {
  const subs = pnlOf.get(conn) ?? new Map<number, string>();
  pnlOf.set(conn, subs);
  if (account === undefined) subs.delete(reqId);
  else subs.set(reqId, account);
  if (account !== undefined) watchMarks(conn);
}

export function followSummary(
  conn: SimConnection,
  reqId: number,
  tags: ReadonlySet<string> | undefined,
): void {
  const subs = summaryOf.get(conn) ?? new Map<number, ReadonlySet<string>>();
  summaryOf.set(conn, subs);
  if (tags === undefined) subs.delete(reqId);
  else subs.set(reqId, tags);
  if (tags !== undefined) watchMarks(conn);
}

/** The account summary rows of every account for `tags` ("$LEDGER", "$LEDGER:ALL", "$LEDGER:USD" add the ledger). */
export function sendSummary(
  conn: SimConnection,
  reqId: number,
  tags: ReadonlySet<string>,
  marks: Marks,
): void {
  // "$LEDGER" is USD, "$LEDGER:ALL" adds the BASE rows, "$LEDGER:<ccy>" one currency (only USD is held)
  const ledger = [...tags]
    .filter((t) => t.startsWith("$LEDGER"))
    .map((t) => t.split(":")[1]?.toUpperCase() ?? "USD");
  const ledgerCurrencies = new Set(
    ledger.flatMap((c) => (c === "ALL" ? ["BASE", "USD"] : c === "USD" ? ["USD"] : [])),
  );
  for (const [name, acct] of conn.core.accounts) {
    const positions = [...acct.positions.values()];
    for (const v of accountValues(acct.cash, positions, marks)) {
      if (tags.has(v.tag)) conn.send(ServerMsg.accountSummary, 1, reqId, name, v.tag, v.value, v.currency);
    }
    for (const ccy of ledgerCurrencies) {
      for (const v of ledgerValues(acct.cash, positions, ccy, marks)) {
        conn.send(ServerMsg.accountSummary, 1, reqId, name, v.tag, v.value, v.currency);
      }
    }
  }
}

/** How often a connection's timer looks whether the marks were refreshed (wall-clock ms). */
const MARK_CHECK_MS = 1_000;

/**
 * IB re-marks the portfolio every 3 minutes and pushes the new rows, account values and P&L to subscribers
 * without any fill; one timer per subscribed connection sends them when the simulated clock crosses a refresh.
 */
function watchMarks(conn: SimConnection): void {
  if (refreshing.has(conn)) return;
  refreshing.add(conn);
  let markedAt = markTime(conn.core.market.now());
  const timer = setInterval(() => {
    const following = accountUpdatesOf.get(conn);
    const pnl = [...(pnlOf.get(conn) ?? [])];
    const summaries = [...(summaryOf.get(conn) ?? [])];
    if (!conn.isOpen || (following === undefined && pnl.length === 0 && summaries.length === 0)) {
      clearInterval(timer);
      refreshing.delete(conn);
      return;
    }
    const now = conn.core.market.now();
    if (markTime(now) === markedAt) return;
    markedAt = markTime(now);
    const marks = marksAt(conn.core.market, now);
    if (following !== undefined) {
      for (const p of conn.core.account(following)?.positions.values() ?? []) {
        sendPortfolioValue(conn, following, p, marks);
      }
      sendAccountValues(conn, following, marks);
      sendAccountTime(conn);
    }
    for (const [reqId, account] of pnl) sendPnl(conn, reqId, account, marks);
    for (const [reqId, tags] of summaries) sendSummary(conn, reqId, tags, marks);
  }, MARK_CHECK_MS);
  timer.unref();
}

/** One position message, as reqPositions and later changes send it (IB names the primary exchange for SMART). */
export function sendPosition(conn: SimConnection, account: string, p: SimPosition): void {
  const i = p.instrument;
  conn.send(
    ServerMsg.position,
    3,
    account,
    ...contractFields(i, i.exchange === "SMART" ? i.primaryExchange : i.exchange),
    p.quantity,
    p.avgCost,
  );
}

/** One portfolio row of reqAccountUpdates (position 0 once it is closed, as IB sends it). */
export function sendPortfolioValue(conn: SimConnection, account: string, p: SimPosition, marks: Marks): void {
  const i = p.instrument;
  conn.send(
    ServerMsg.portfolioValue,
    8,
    ...contractFields(i, i.primaryExchange),
    p.quantity,
    marks(i).price,
    marketValue(p, marks),
    p.avgCost,
    unrealizedPnl(p, marks),
    p.realizedPnl,
    account,
  );
}

/** Every account value of reqAccountUpdates: the summary tags and the ledger in BASE and every currency held. */
export function sendAccountValues(conn: SimConnection, account: string, marks: Marks): void {
  const acct = conn.core.account(account);
  if (!acct) return;
  const held = [...acct.positions.values()];
  const ledger = ["BASE", "USD"].flatMap((ccy) => ledgerValues(acct.cash, held, ccy, marks));
  for (const v of [...accountValues(acct.cash, held, marks), ...ledger]) {
    conn.send(ServerMsg.acctValue, 2, v.tag, v.value, v.currency, account);
  }
}

/** The account update time (HH:mm of the simulated clock). */
export function sendAccountTime(conn: SimConnection): void {
  const now = new Date(conn.core.market.now()); // the simulated clock (a replay's day)
  conn.send(
    ServerMsg.acctUpdateTime,
    1,
    `${String(now.getUTCHours()).padStart(2, "0")}:${String(now.getUTCMinutes()).padStart(2, "0")}`,
  );
}

/** One pnl message: the account's daily, unrealized and realized PnL. */
export function sendPnl(conn: SimConnection, reqId: number, account: string, marks: Marks): void {
  const ps = [...(conn.core.account(account)?.positions.values() ?? [])];
  const sum = (f: (p: SimPosition) => number) => round2(ps.reduce((s, p) => s + f(p), 0));
  conn.send(
    ServerMsg.pnl,
    reqId,
    sum((p) => dailyPnl(p, marks)),
    sum((p) => unrealizedPnl(p, marks)),
    sum((p) => p.realizedPnl),
  );
}

/** After a fill changed `pos` of `account`: what IB pushes to every subscribed connection. */
export function pushPositionChange(core: SimCore, account: string, pos: SimPosition): void {
  const marks = marksAt(core.market, core.market.now());
  for (const conn of core.openConnections()) {
    if (conn.streams.has("positions")) sendPosition(conn, account, pos);
    if (accountUpdatesOf.get(conn) === account) {
      sendPortfolioValue(conn, account, pos, marks);
      sendAccountValues(conn, account, marks);
      sendAccountTime(conn);
    }
    for (const [reqId, name] of pnlOf.get(conn) ?? []) {
      if (name === account) sendPnl(conn, reqId, account, marks);
    }
    for (const [reqId, tags] of summaryOf.get(conn) ?? []) sendSummary(conn, reqId, tags, marks);
  }
}
