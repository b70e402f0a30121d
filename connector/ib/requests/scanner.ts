import { type ContractDetails, EventName, type Instrument, type LocationCode, ScanCode } from "@stoqey/ib";
import { IbMcpError } from "../../../shared/errors.ts";
import { createRequestCache } from "../../request-cache.ts";
import type { IbClient, ScanResultRow } from "../client-types.ts";
import { compact, ibString, toContractSummary } from "../convert.ts";
import { byReqId, type Call, general, type Handler } from "../request.ts";

/** The scanner's parameter document changes with IB releases, not during a day. */
const PARAMETERS_TTL_MS = 24 * 60 * 60 * 1000;

/** @stoqey/ib sends a scan code by its ScanCode enum; a code missing there cannot be put on the wire. */
function scanCodeOf(name: string): ScanCode {
  const value = (ScanCode as unknown as Record<string, number | undefined>)[name];
  if (typeof value !== "number")
    throw new IbMcpError(
      "INVALID_ARGUMENT",
      `scan_code ${name} is not one the IB client library can send; get_scanner_parameters lists the valid codes (e.g. TOP_PERC_GAIN, MOST_ACTIVE)`,
    );
  return value as ScanCode;
}

/** Scanner snapshots (one of IB's 10 concurrent subscriptions each, cancelled after the first batch) and parameters. */
export function scannerRequests(call: Call): Pick<IbClient, "scan" | "scannerParameters"> {
  const parameters = createRequestCache<string>({ ttlMs: PARAMETERS_TTL_MS, maxEntries: 1 });
  return {
    scan(q, scope) {
      const scanCode = scanCodeOf(q.scanCode);
      const subject = `scanner ${q.scanCode} in ${q.location}`;
      return call(subject, { kind: "scanner" }, scope, (link) =>
        byReqId<ScanResultRow[]>(link, scope, subject, (reqId, done) => {
          const rows: ScanResultRow[] = [];
          const cancel = () => link.raw.cancelScannerSubscription(reqId);
          const onRow = (
            id: number,
            rank: number,
            d: ContractDetails,
            distance: string,
            benchmark: string,
            projection: string,
          ) => {
            if (id !== reqId) return;
            rows.push(
              compact({
                rank,
                contract: toContractSummary(d.contract),
                distance: ibString(distance),
                benchmark: ibString(benchmark),
                projection: ibString(projection),
              }),
            );
          };
          const onEnd = (id: number) => {
            if (id !== reqId) return;
            cancel(); // a snapshot: IB would go on sending updates until cancelled
            done(rows.sort((a, b) => a.rank - b.rank));
          };
          return {
            events: [
              [EventName.scannerData, onRow as Handler],
              [EventName.scannerDataEnd, onEnd as Handler],
            ],
            send: () =>
              link.raw.reqScannerSubscription(
                reqId,
                {
                  numberOfRows: q.rows,
                  instrument: q.instrument as Instrument,
                  locationCode: q.location as LocationCode,
                  scanCode,
                  abovePrice: q.abovePrice,
                  belowPrice: q.belowPrice,
                  aboveVolume: q.aboveVolume,
                  marketCapAbove: q.marketCapAbove,
                  marketCapBelow: q.marketCapBelow,
                },
                [],
                [],
              ),
            cancel,
          };
        }),
      );
    },

    scannerParameters(scope) {
      return parameters.get("xml", scope, (run) =>
        call("scanner parameters", general, run, (link) => link.next.getScannerParameters()),
      );
    },
  };
}
