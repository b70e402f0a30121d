import type { HandlerFn } from "../connection.ts";
import { historicalTicks, MAX_HISTORICAL_TICKS } from "../market/historical-ticks.ts";
import { readContract } from "../protocol/field-reader.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";
import { parseEndDateTime } from "../universe/bar-spec.ts";
import { resolveContract } from "./resolve-contract.ts";

/** How long HMDS takes to answer, before timeScale. */
const TICKS_LATENCY_MS = 30;

const invalid = (what: string) => `Error validating request.-'bX' : cause - ${what}`;

/** IB's text for a date it cannot read (error 10314). */
export const BAD_DATE_TEXT =
  "End Date/Time: The date, time, or time-zone entered is invalid. The correct format is yyyymmdd hh:mm:ss xx/xxx where yyyymmdd and xx/xxx are optional. E.g.: 20031126 15:59:00 US/Eastern  Note that there is a space between the date and time, and between the time and time-zone.  If no date is specified, current date is assumed. If no time-zone is specified, local time-zone is assumed(deprecated).  You can also provide yyyymmddd-hh:mm:ss time is in UTC. Note that there is a dash between the date and time in UTC notation.";

/**
 * reqHistoricalTicks: TRADES (HISTORICAL_TICKS_LAST), BID_ASK (HISTORICAL_TICKS_BID_ASK) or MIDPOINT
 * (HISTORICAL_TICKS), at most 1000, from startDateTime forward or back from endDateTime (exactly one of
 * them), on the market's one price path; 321 for a bad request, 10314 for a date IB cannot read.
 */
export const reqHistoricalTicks: HandlerFn = (conn, r) => {
  const reqId = r.int();
  const q = readContract(r);
  r.bool(); // includeExpired
  const startText = r.str().trim();
  const endText = r.str().trim();
  const count = r.int();
  const whatToShow = r.str().toUpperCase();
  const useRth = r.int() !== 0;
  const ignoreSize = r.bool();
  r.str(); // miscOptions
  const instrument = resolveContract(conn, reqId, q);
  if (!instrument) return;
  if ((startText === "") === (endText === "")) {
    return conn.error(reqId, 321, invalid("exactly one of startDateTime and endDateTime must be set."));
  }
  if (!Number.isInteger(count) || count < 1 || count > MAX_HISTORICAL_TICKS) {
    return conn.error(
      reqId,
      321,
      invalid(`numberOfTicks ${count} is invalid; it must be between 1 and ${MAX_HISTORICAL_TICKS}.`),
    );
  }
  if (whatToShow !== "TRADES" && whatToShow !== "BID_ASK" && whatToShow !== "MIDPOINT") {
    return conn.error(
      reqId,
      321,
      invalid(`Historical ticks whatToShow "${whatToShow}" is invalid; use TRADES, BID_ASK or MIDPOINT.`),
    );
  }
  const market = conn.core.market;
  const at = parseEndDateTime(startText || endText, instrument.timeZoneId, market.now());
  if (at === undefined) return conn.error(reqId, 10314, BAD_DATE_TEXT);
  const range = startText ? { startMs: at } : { endMs: at };
  const ticks = historicalTicks(market, instrument, range, count, useRth);
  const fields: Array<string | number | boolean> = [];
  if (whatToShow === "TRADES") {
    fields.push(ServerMsg.historicalTicksLast, reqId, ticks.length);
    for (const t of ticks) fields.push(t.time, 0, t.price, t.size, t.exchange, "");
  } else if (whatToShow === "BID_ASK") {
    fields.push(ServerMsg.historicalTicksBidAsk, reqId, ticks.length);
    for (const t of ticks)
      fields.push(t.time, 0, t.bid, t.ask, ignoreSize ? 0 : t.bidSize, ignoreSize ? 0 : t.askSize);
  } else {
    fields.push(ServerMsg.historicalTicks, reqId, ticks.length);
    for (const t of ticks) fields.push(t.time, 0, Number(((t.bid + t.ask) / 2).toFixed(8)), 0);
  }
  fields.push(true);
  const timer = setTimeout(() => {
    conn.subscriptions.delete(reqId);
    conn.send(...fields);
  }, conn.core.scaled(TICKS_LATENCY_MS));
  conn.subscriptions.set(reqId, () => clearTimeout(timer));
};
