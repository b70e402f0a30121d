import type { HandlerFn } from "../connection.ts";
import { ServerMsg } from "../protocol/msg-ids.ts";
import { universe } from "../universe/instruments.ts";
import { runScan, SCAN_CODES, SCAN_LOCATIONS, type ScanRequest } from "../universe/scanner.ts";
import { scannerParametersXml } from "../universe/scanner-params.ts";

/** IB's limit of concurrent scanner subscriptions per client. */
const MAX_SCANNERS = 10;
const active = new WeakMap<object, Set<number>>();

/** The instruments the simulator scans: US stocks, and US equity ETFs alone. */
const INSTRUMENTS = new Set(["STK", "ETF.EQ.US"]);

export const reqScannerParameters: HandlerFn = (conn, r) => {
  r.int(); // version
  conn.send(ServerMsg.scannerParameters, 1, scannerParametersXml());
};

/** reqScannerSubscription (server ≥ 143: no version field): ranks now, sends one SCANNER_DATA, stays subscribed. */
export const reqScannerSubscription: HandlerFn = (conn, r) => {
  const reqId = r.int();
  const numberOfRows = r.int();
  const instrument = r.str();
  const locationCode = r.str();
  const scanCode = r.str();
  const [abovePrice, belowPrice, aboveVolume, marketCapAbove, marketCapBelow] = [
    r.num(),
    r.num(),
    r.num(),
    r.num(),
    r.num(),
  ];
  r.skip(8); // moody, S&P, maturity ranges, coupon above/below
  r.str(); // excludeConvertible
  r.str(); // averageOptionVolumeAbove
  r.str(); // scannerSettingPairs
  const stockTypeFilter = r.str();
  const bad = (what: string) => conn.error(reqId, 321, `Error validating request:-'bL' : cause - ${what}`);
  if (!INSTRUMENTS.has(instrument)) return bad(`Invalid instrument ${instrument}`);
  if (!SCAN_LOCATIONS.includes(locationCode)) return bad(`Invalid location code ${locationCode}`);
  if (!SCAN_CODES.includes(scanCode)) return bad(`Invalid scan code ${scanCode}`);
  const mine = active.get(conn) ?? new Set<number>();
  active.set(conn, mine);
  if (mine.size >= MAX_SCANNERS)
    return conn.error(
      reqId,
      162,
      `Historical Market Data Service error message:Maximum number of scanner subscriptions (${MAX_SCANNERS}) reached`,
    );
  const request: ScanRequest = {
    scanCode,
    locationCode,
    numberOfRows,
    abovePrice,
    belowPrice,
    aboveVolume,
    marketCapAbove,
    marketCapBelow,
    stockTypeFilter: instrument === "ETF.EQ.US" ? "ETF" : stockTypeFilter,
  };
  const rows = runScan(conn.core.market, universe().instruments, request);
  mine.add(reqId);
  conn.subscriptions.set(reqId, () => mine.delete(reqId));
  conn.send(
    ServerMsg.scannerData,
    3,
    reqId,
    rows.length,
    ...rows.flatMap((i, rank) => [
      rank,
      i.conId,
      i.symbol,
      i.secType,
      i.lastTradeDateOrContractMonth,
      i.strike,
      i.right,
      "SMART",
      i.currency,
      i.localSymbol,
      i.marketName,
      i.tradingClass,
      "", // distance
      "", // benchmark
      "", // projection
      "", // legsStr
    ]),
  );
};

export const cancelScannerSubscription: HandlerFn = (conn, r) => {
  r.int(); // version
  const reqId = r.int();
  conn.subscriptions.get(reqId)?.();
  conn.subscriptions.delete(reqId);
};
