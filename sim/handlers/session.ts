import type { HandlerFn } from "../connection.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";

/** startApi: claim the clientId (326 and close when taken), then accounts, next order id and farm notices. */
export const startApi: HandlerFn = (conn, r) => {
  r.int(); // version
  const clientId = r.int();
  if (!conn.bindClientId(clientId)) {
    conn.error(
      -1,
      326,
      "Unable to connect as the client id is already in use. Retry with a unique client id.",
    );
    conn.close(`clientId ${clientId} already in use`, "warn");
    return;
  }
  conn.send(ServerMsg.managedAccts, 1, conn.core.config.accounts.join(","));
  conn.send(ServerMsg.nextValidId, 1, conn.core.nextOrderId);
  conn.notice(2104, "Market data farm connection is OK:usfarm");
  conn.notice(2106, "HMDS data farm connection is OK:ushmds");
  conn.notice(2158, "Sec-def data farm connection is OK:secdefnj");
};

export const reqIds: HandlerFn = (conn, r) => {
  r.int(); // version
  conn.send(ServerMsg.nextValidId, 1, conn.core.nextOrderId);
};

export const reqCurrentTime: HandlerFn = (conn) => {
  // the simulated clock: a replay's time, not the wall clock's
  conn.send(ServerMsg.currentTime, 1, Math.floor(conn.core.market.now() / 1000));
};

export const reqManagedAccts: HandlerFn = (conn) => {
  conn.send(ServerMsg.managedAccts, 1, conn.core.config.accounts.join(","));
};

/** reqMarketDataType: 1 live, 2 frozen, 3 delayed, 4 delayed-frozen; anything else is IB's error 10090-style bad input. */
export const reqMarketDataType: HandlerFn = (conn, r) => {
  r.int(); // version
  const type = r.int();
  if (type < 1 || type > 4) {
    conn.error(-1, 321, `Error validating request:-'bN' : cause - Invalid market data type ${type}`);
    return;
  }
  conn.marketDataType = type;
};
