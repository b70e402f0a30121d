import type { HandlerFn, SimConnection } from "../connection.ts";
import { readContract } from "../protocol/field-reader.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";
import type { Instrument } from "../universe/instrument.ts";
import { universe } from "../universe/instruments.ts";
import { optionModel } from "../universe/quotes.ts";
import { resolveContract } from "./resolve-contract.ts";

/** IB tick type ids, live and delayed. */
export const TickType = {
  bidSize: [0, 69],
  bid: [1, 66],
  ask: [2, 67],
  askSize: [3, 70],
  last: [4, 68],
  lastSize: [5, 71],
  high: [6, 72],
  low: [7, 73],
  volume: [8, 74],
  close: [9, 75],
  open: [14, 76],
  bidOption: [10, 80],
  askOption: [11, 81],
  lastOption: [12, 82],
  modelOption: [13, 83],
} as const;

const NOT_SUBSCRIBED =
  "Requested market data is not subscribed. Check API status by selecting the Account menu then under Management choose Market Data Subscription Manager and/or review the market data subscriptions in Account Management.";

/** How far behind delayed data runs (US exchanges: 15 minutes). */
const DELAY_MS = 15 * 60_000;

function sendTicks(conn: SimConnection, reqId: number, i: Instrument, delayed: boolean, full: boolean): void {
  const k = delayed ? 1 : 0;
  const market = conn.core.market;
  const at = market.now() - (delayed ? DELAY_MS : 0);
  const q = market.quote(i, at);
  const price = (t: readonly [number, number], p: number, size: number | string = "") =>
    conn.send(ServerMsg.tickPrice, 3, reqId, t[k], p, size, 0);
  price(TickType.bid, q.bid, q.bidSize);
  price(TickType.ask, q.ask, q.askSize);
  price(TickType.last, q.last, q.lastSize);
  // TWS follows each priced tick with its size tick
  conn.send(ServerMsg.tickSize, 6, reqId, TickType.bidSize[k], q.bidSize);
  conn.send(ServerMsg.tickSize, 6, reqId, TickType.askSize[k], q.askSize);
  conn.send(ServerMsg.tickSize, 6, reqId, TickType.lastSize[k], q.lastSize);
  if (full) {
    price(TickType.high, q.high, 0);
    price(TickType.low, q.low, 0);
    price(TickType.close, q.close, 0);
    price(TickType.open, q.open, 0);
    conn.send(ServerMsg.tickSize, 6, reqId, TickType.volume[k], q.volume);
  }
  // greeks off the underlying's price on the market's one path at the same instant as the quote
  const under = i.secType === "OPT" ? universe().byConId.get(i.underConId) : undefined;
  const m = under && optionModel(i, at, market.price(under, at));
  if (m) {
    for (const t of [TickType.bidOption, TickType.askOption, TickType.lastOption, TickType.modelOption]) {
      conn.send(
        ServerMsg.tickOptionComputation,
        reqId,
        t[k],
        0,
        m.impliedVol,
        m.delta,
        m.optPrice,
        0,
        m.gamma,
        m.vega,
        m.theta,
        m.undPrice,
      );
    }
  }
}

/**
 * reqMktData: 200 unknown contract, 101 over the line limit, 354 without live permission (or 10167 and
 * delayed ticks when delayed data was requested); after reqMarketDataType(3/4) IB's delayed tick types
 * (66-76, 80-83) carrying the price of 15 minutes ago. Snapshots end with tickSnapshotEnd, streams tick
 * until cancelled; every price comes from the market's one path.
 */
export const reqMktData: HandlerFn = (conn, r) => {
  r.int(); // version
  const reqId = r.int();
  const q = readContract(r);
  if (q.secType.toUpperCase() === "BAG") {
    const legs = r.int();
    r.skip(legs * 4);
  }
  if (r.bool()) r.skip(3); // delta neutral contract
  r.str(); // generic tick list
  const snapshot = r.bool();
  const instrument = resolveContract(conn, reqId, q);
  if (!instrument) return;
  const cfg = conn.core.config;
  if (conn.marketDataLines.size >= cfg.maxMarketDataLines) {
    return conn.error(
      reqId,
      101,
      `Max number of tickers has been reached (${cfg.maxMarketDataLines} market data lines)`,
    );
  }
  const requested = conn.marketDataType;
  // delayed data when asked for (3, 4), or when live data is not subscribed
  const delayed = requested === 3 || requested === 4 || !cfg.liveDataPermission;
  if (!cfg.liveDataPermission) {
    if (requested === 1 || requested === 2) return conn.error(reqId, 354, NOT_SUBSCRIBED);
    conn.error(reqId, 10167, "Requested market data is not subscribed. Displaying delayed market data.");
  }
  conn.send(ServerMsg.marketDataType, 1, reqId, requested);
  conn.send(ServerMsg.tickReqParams, reqId, instrument.minTick, "9c0001", 3);
  sendTicks(conn, reqId, instrument, delayed, true);
  if (snapshot) {
    conn.send(ServerMsg.tickSnapshotEnd, 1, reqId);
    return;
  }
  conn.marketDataLines.add(reqId);
  const timer = setInterval(
    () => sendTicks(conn, reqId, instrument, delayed, false),
    Math.max(5, conn.core.scaled(cfg.tickIntervalMs)),
  );
  conn.subscriptions.set(reqId, () => {
    clearInterval(timer);
    conn.marketDataLines.delete(reqId);
  });
};

/** cancelMktData: stops the stream and frees its line. */
export const cancelMktData: HandlerFn = (conn, r) => {
  r.int(); // version
  const reqId = r.int();
  conn.subscriptions.get(reqId)?.();
  conn.subscriptions.delete(reqId);
};
