import type { HandlerFn } from "../connection.ts";
import { REALTIME_BAR_SECONDS, realtimeBar } from "../market/realtime-bars.ts";
import { readContract } from "../protocol/field-reader.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";
import { inSession } from "../universe/sessions.ts";
import { resolveContract } from "./resolve-contract.ts";

const WHAT = new Set(["TRADES", "MIDPOINT", "BID", "ASK"]);
const invalid = (what: string) => `Error validating request.-'bW' : cause - ${what}`;

/**
 * reqRealTimeBars (version 3): a 5-second bar every 5 s (scaled by timeScale) until cancelled, starting with the
 * last completed bar and stepping on in simulated time; none while the instrument is out of session (RTH when
 * useRTH). 321 for a bar size other than 5 or a whatToShow IB does not stream.
 */
export const reqRealTimeBars: HandlerFn = (conn, r) => {
  r.int(); // version
  const reqId = r.int();
  const q = readContract(r);
  const barSize = r.int();
  const whatToShow = r.str().toUpperCase();
  const useRth = r.bool();
  if (r.more) r.str(); // realTimeBarsOptions
  const instrument = resolveContract(conn, reqId, q);
  if (!instrument) return;
  if (barSize !== REALTIME_BAR_SECONDS)
    return conn.error(reqId, 321, invalid(`Invalid bar size ${barSize}; real time bars are 5 seconds`));
  if (!WHAT.has(whatToShow))
    return conn.error(
      reqId,
      321,
      invalid(`Invalid whatToShow ${whatToShow}; use TRADES, MIDPOINT, BID or ASK`),
    );
  const market = conn.core.market;
  let start =
    Math.floor(market.now() / 1000 / REALTIME_BAR_SECONDS) * REALTIME_BAR_SECONDS - REALTIME_BAR_SECONDS;
  const timer = setInterval(
    () => {
      const bar = start;
      start += REALTIME_BAR_SECONDS;
      if (!inSession(bar * 1000, instrument.session, instrument.timeZoneId, useRth)) return;
      const b = realtimeBar(market, instrument, bar, whatToShow);
      conn.send(
        ServerMsg.realTimeBars,
        3,
        reqId,
        b.time,
        b.open,
        b.high,
        b.low,
        b.close,
        b.volume,
        b.wap,
        b.count,
      );
    },
    Math.max(5, conn.core.scaled(REALTIME_BAR_SECONDS * 1000)),
  );
  conn.subscriptions.set(reqId, () => clearInterval(timer));
};

export const cancelRealTimeBars: HandlerFn = (conn, r) => {
  r.int(); // version
  const reqId = r.int();
  conn.subscriptions.get(reqId)?.();
  conn.subscriptions.delete(reqId);
};
