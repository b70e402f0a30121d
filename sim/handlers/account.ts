import type { HandlerFn } from "../connection.ts";
import { marksAt } from "../market/marks.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";
import { dailyPnl, marketValue, unrealizedPnl } from "../universe/accounts.ts";
import {
  followAccountUpdates,
  followPnl,
  followSummary,
  sendAccountTime,
  sendAccountValues,
  sendPnl,
  sendPortfolioValue,
  sendPosition,
  sendSummary,
} from "./account-push.ts";

/** reqAccountSummary: the requested tags for every account, then the end marker; stays subscribed until cancelled. */
export const reqAccountSummary: HandlerFn = (conn, r) => {
  r.int(); // version
  const reqId = r.int();
  r.str(); // group ("All")
  const tags = new Set(
    r
      .str()
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
  );
  sendSummary(conn, reqId, tags, marksAt(conn.core.market, conn.core.market.now()));
  conn.send(ServerMsg.accountSummaryEnd, 1, reqId);
  // IB keeps pushing changed values while subscribed: after fills and at each refresh (account-push.ts)
  followSummary(conn, reqId, tags);
  conn.subscriptions.set(reqId, () => followSummary(conn, reqId, undefined));
};

export const cancelAccountSummary: HandlerFn = (conn, r) => {
  r.int(); // version
  const reqId = r.int();
  conn.subscriptions.get(reqId)?.();
  conn.subscriptions.delete(reqId);
};

/** reqPositions: every position of every account, then positionEnd. */
export const reqPositions: HandlerFn = (conn) => {
  for (const [name, acct] of conn.core.accounts) {
    for (const p of acct.positions.values()) sendPosition(conn, name, p);
  }
  conn.send(ServerMsg.positionEnd, 1);
  conn.streams.set("positions", () => {});
};

export const cancelPositions: HandlerFn = (conn) => {
  conn.streams.delete("positions");
};

/** reqAccountUpdates: account values, portfolio rows, update time and accountDownloadEnd for one account. */
export const reqAccountUpdates: HandlerFn = (conn, r) => {
  r.int(); // version
  const subscribe = r.bool();
  const name = r.more ? r.str() : "";
  if (!subscribe) {
    conn.streams.get("accountUpdates")?.();
    conn.streams.delete("accountUpdates");
    return;
  }
  const accountName = name || conn.core.config.accounts[0]!;
  const acct = conn.core.account(accountName);
  if (!acct) {
    conn.error(
      -1,
      321,
      `Error validating request:-'bB' : cause - Invalid account code ${accountName}; use one of the managed accounts`,
    );
    return;
  }
  const marks = marksAt(conn.core.market, conn.core.market.now());
  sendAccountValues(conn, accountName, marks);
  for (const p of acct.positions.values()) sendPortfolioValue(conn, accountName, p, marks);
  sendAccountTime(conn);
  conn.send(ServerMsg.acctDownloadEnd, 1, accountName);
  // later changes of this account are pushed (account-push.ts); a new reqAccountUpdates replaces it, as at IB
  followAccountUpdates(conn, accountName);
  conn.streams.set("accountUpdates", () => followAccountUpdates(conn, undefined));
};

/** reqPnL: daily, unrealized and realized PnL of the account. */
export const reqPnL: HandlerFn = (conn, r) => {
  const reqId = r.int();
  const account = r.str() || conn.core.config.accounts[0]!;
  if (!conn.core.account(account)) {
    conn.error(
      reqId,
      321,
      "Error validating request:-'bN' : cause - Invalid account code; use one of the managed accounts",
    );
    return;
  }
  sendPnl(conn, reqId, account, marksAt(conn.core.market, conn.core.market.now()));
  // IB keeps pushing while subscribed; here after every fill of the account (account-push.ts)
  followPnl(conn, reqId, account);
  conn.subscriptions.set(reqId, () => followPnl(conn, reqId, undefined));
};

/** reqPnLSingle: one position's PnL (zeros when the account does not hold the conId). */
export const reqPnLSingle: HandlerFn = (conn, r) => {
  const reqId = r.int();
  const acct = conn.core.account(r.str());
  r.str(); // modelCode
  const conId = r.int();
  if (!acct) {
    conn.error(
      reqId,
      321,
      "Error validating request:-'bN' : cause - Invalid account code; use one of the managed accounts",
    );
    return;
  }
  const p = acct.positions.get(conId);
  const marks = marksAt(conn.core.market, conn.core.market.now());
  if (!p) conn.send(ServerMsg.pnlSingle, reqId, 0, 0, 0, 0, 0);
  else
    conn.send(
      ServerMsg.pnlSingle,
      reqId,
      p.quantity,
      dailyPnl(p, marks),
      unrealizedPnl(p, marks),
      p.realizedPnl,
      marketValue(p, marks),
    );
  conn.subscriptions.set(reqId, () => {});
};

export const cancelPnL: HandlerFn = (conn, r) => {
  const reqId = r.int();
  conn.subscriptions.get(reqId)?.();
  conn.subscriptions.delete(reqId);
};
