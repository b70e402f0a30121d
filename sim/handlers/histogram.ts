import type { HandlerFn } from "../connection.ts";
import { histogram, histogramPeriodMs } from "../market/histogram.ts";
import { readContract } from "../protocol/field-reader.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";
import { resolveContract } from "./resolve-contract.ts";

/** How long HMDS takes to answer, before timeScale. */
const HISTOGRAM_LATENCY_MS = 40;

/**
 * reqHistogramData: reqId, contract, includeExpired, useRTH, period ("1 week"); answered with HISTOGRAM_DATA
 * (reqId, count, then price and size per level) from the market's price path; 321 for a period IB cannot read.
 */
export const reqHistogramData: HandlerFn = (conn, r) => {
  const reqId = r.int();
  const q = readContract(r);
  r.bool(); // includeExpired
  const useRth = r.bool();
  const period = r.str();
  const instrument = resolveContract(conn, reqId, q);
  if (!instrument) return;
  const periodMs = histogramPeriodMs(period);
  if (periodMs === undefined) {
    return conn.error(
      reqId,
      321,
      `Error validating request.-'bX' : cause - Invalid period "${period}"; use e.g. "3 days", "1 week", "2 months"`,
    );
  }
  const rows = histogram(conn.core.market, instrument, periodMs, useRth);
  const fields: Array<string | number> = [ServerMsg.histogramData, reqId, rows.length];
  for (const row of rows) fields.push(row.price, row.size);
  const timer = setTimeout(() => {
    conn.subscriptions.delete(reqId);
    conn.send(...fields);
  }, conn.core.scaled(HISTOGRAM_LATENCY_MS));
  conn.subscriptions.set(reqId, () => clearTimeout(timer));
};

export const cancelHistogramData: HandlerFn = (conn, r) => {
  const reqId = r.int();
  conn.subscriptions.get(reqId)?.();
  conn.subscriptions.delete(reqId);
};
