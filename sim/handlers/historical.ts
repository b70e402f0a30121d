import type { HandlerFn } from "../connection.ts";
import { readContract } from "../protocol/field-reader.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";
import {
  parseBarSize,
  parseDuration,
  parseEndDateTime,
  WHAT_TO_SHOW,
  type WhatToShow,
} from "../universe/bar-spec.ts";
import { type Bar, windowStart } from "../universe/bars.ts";
import { sessionSpecs } from "../universe/sessions.ts";
import { formatLocal, fromLocal } from "../universe/time-zone.ts";
import { BAD_DATE_TEXT } from "./historical-ticks.ts";
import { resolveContract } from "./resolve-contract.ts";

/** How long HMDS takes to answer, before timeScale. */
const HISTORICAL_LATENCY_MS = 40;

function formatBarTime(b: Bar, tz: string, formatDate: number): string {
  if (b.daily) return formatLocal(b.time, tz).slice(0, 8);
  return formatDate === 2 ? String(Math.floor(b.time / 1000)) : `${formatLocal(b.time, tz)} ${tz}`;
}

function invalid(what: string): string {
  return `Error validating request.-'bP' : cause - ${what}`;
}

/** reqHistoricalData: validation (321), pacing (162), then bars generated deterministically. */
export const reqHistoricalData: HandlerFn = (conn, r) => {
  const reqId = r.int();
  const q = readContract(r);
  r.bool(); // includeExpired
  const endDateTime = r.str();
  const barSizeText = r.str();
  const durationText = r.str();
  const useRTH = r.bool();
  const whatToShowText = r.str().toUpperCase();
  const formatDate = r.int();

  const instrument = resolveContract(conn, reqId, q);
  if (!instrument) return;
  const barSize = parseBarSize(barSizeText);
  if (!barSize)
    return conn.error(reqId, 321, invalid(`Historical data bar size setting "${barSizeText}" is invalid.`));
  const duration = parseDuration(durationText);
  if (!duration)
    return conn.error(
      reqId,
      321,
      invalid(`Historical data duration "${durationText}" is invalid; use "<n> S|D|W|M|Y".`),
    );
  if (!(WHAT_TO_SHOW as readonly string[]).includes(whatToShowText)) {
    return conn.error(reqId, 321, invalid(`Historical data whatToShow "${whatToShowText}" is invalid.`));
  }
  if (formatDate !== 1 && formatDate !== 2)
    return conn.error(reqId, 321, invalid(`formatDate ${formatDate} is invalid; use 1 or 2.`));
  const now = conn.core.market.now();
  const parsedEnd = parseEndDateTime(endDateTime, instrument.timeZoneId, now);
  // there is no data from the future: an end past now ends now
  const endMs = parsedEnd === undefined ? undefined : Math.min(parsedEnd, now);
  // IB answers a date it cannot read with 10314, not 321
  if (endMs === undefined) return conn.error(reqId, 10314, BAD_DATE_TEXT);

  const exchange = q.exchange.toUpperCase() || instrument.exchange;
  const violation = conn.core.pacing.check(
    {
      identity: [
        instrument.conId,
        exchange,
        endDateTime,
        barSize.name,
        durationText,
        useRTH,
        whatToShowText,
        formatDate,
      ].join("|"),
      contract: [instrument.conId, exchange, whatToShowText].join("|"),
    },
    Date.now(),
  );
  if (violation) {
    conn.core.log("warn", `client ${conn.clientId}: historical pacing violation (${violation})`);
    return conn.error(
      reqId,
      162,
      "Historical Market Data Service error message:Historical data request pacing violation",
    );
  }

  const req = {
    instrument,
    endMs,
    duration,
    barSeconds: barSize.seconds,
    whatToShow: whatToShowText as WhatToShow,
    useRTH,
  };
  let bars: Bar[];
  try {
    bars = conn.core.market.bars(req);
  } catch (err) {
    return conn.error(reqId, 162, err instanceof Error ? err.message : String(err));
  }
  const tz = instrument.timeZoneId;
  const fields: Array<string | number> = [
    ServerMsg.historicalData,
    reqId,
    `${formatLocal(windowStart(req), tz)} ${tz}`,
    `${formatLocal(endMs, tz)} ${tz}`,
    bars.length,
  ];
  for (const b of bars) {
    fields.push(formatBarTime(b, tz, formatDate), b.open, b.high, b.low, b.close, b.volume, b.wap, b.count);
  }
  const timer = setTimeout(() => {
    conn.subscriptions.delete(reqId);
    conn.send(...fields);
  }, conn.core.scaled(HISTORICAL_LATENCY_MS));
  conn.subscriptions.set(reqId, () => clearTimeout(timer));
};

/** cancelHistoricalData: drops a reply not yet sent. */
export const cancelHistoricalData: HandlerFn = (conn, r) => {
  r.int(); // version
  const reqId = r.int();
  conn.subscriptions.get(reqId)?.();
  conn.subscriptions.delete(reqId);
};

/** reqHeadTimestamp: the first day with data, at the session's open, as "yyyyMMdd-HH:mm:ss" (UTC) or epoch seconds. */
export const reqHeadTimestamp: HandlerFn = (conn, r) => {
  const reqId = r.int();
  const q = readContract(r);
  r.bool(); // includeExpired
  const useRTH = r.bool();
  r.str(); // whatToShow
  const formatDate = r.int();
  const instrument = resolveContract(conn, reqId, q);
  if (!instrument) return;
  const d = instrument.headDate;
  const spec = sessionSpecs[instrument.session];
  const openMin = useRTH ? spec.rth[0] : spec.eth[0];
  const t = fromLocal(
    Number(d.slice(0, 4)),
    Number(d.slice(4, 6)),
    Number(d.slice(6, 8)),
    Math.floor(openMin / 60),
    openMin % 60,
    0,
    instrument.timeZoneId,
  );
  const text = formatDate === 2 ? String(Math.floor(t / 1000)) : formatLocal(t, "UTC").replace(" ", "-");
  conn.send(ServerMsg.headTimestamp, reqId, text);
};
