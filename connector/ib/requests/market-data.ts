import { EventName } from "@stoqey/ib";
import { createRequestCache } from "../../request-cache.ts";
import type { IbClient, Snapshot } from "../client-types.ts";
import {
  applyPriceTick,
  applySizeTick,
  dataTypeOf,
  marketDataTypeIds,
  modelOptionTicks,
  toIbContract,
  toOptionGreeks,
} from "../convert.ts";
import { byReqId, type Call, describe, type Handler } from "../request.ts";

/** A brief stream stops this long after the quote became complete, to take the ticks IB sends with it. */
const STREAM_SETTLE_MS = 250;
/** A brief stream that never completes is cancelled after this; its ticks so far are the answer. */
const STREAM_MAX_MS = 4_000;

/** IB ends a snapshot with tickSnapshotEnd within 11 s; past this the ticks received so far are the answer. */
export const SNAPSHOT_MAX_MS = 12_000;
/** What a snapshot needs after its line is granted; the pacer wait of a snapshot ends this long before its deadline. */
const SNAPSHOT_RESERVE_MS = 500;

/** Market data snapshots, each holding one of IB's market data lines while it runs. */
export function marketDataRequests(call: Call): Pick<IbClient, "marketDataSnapshot"> {
  const snapshots = createRequestCache<Snapshot>({ ttlMs: 0 });

  return {
    marketDataSnapshot(c, type, scope, how = "snapshot") {
      const key = [c.conId, c.exchange ?? "", type, how].join("|");
      const streaming = how === "stream";
      return snapshots.get(key, scope, (run) =>
        call(
          describe(c),
          { kind: "marketData" },
          run,
          (link) =>
            byReqId<Snapshot>(link, run, describe(c), (reqId, done) => {
              const snap: Snapshot = { dataType: type, fields: {} };
              let settle: NodeJS.Timeout | undefined;
              const finish = () => {
                clearTimeout(timer);
                clearTimeout(settle);
                // a stream holds its line until cancelled; IB frees a snapshot's line by itself
                if (streaming) link.raw.cancelMktData(reqId);
                done(snap);
              };
              const timer = setTimeout(finish, streaming ? STREAM_MAX_MS : SNAPSHOT_MAX_MS);
              timer.unref(); // after an error the request is over; the timer must not hold the process
              const complete = () =>
                (snap.fields.last !== undefined ||
                  (snap.fields.bid !== undefined && snap.fields.ask !== undefined)) &&
                (c.secType !== "OPT" || snap.greeks !== undefined);
              const progressed = () => {
                if (streaming && settle === undefined && complete())
                  settle = setTimeout(finish, STREAM_SETTLE_MS);
              };
              const onType = (id: number, t: number) => {
                if (id === reqId) snap.dataType = dataTypeOf(t);
              };
              const onPrice = (id: number, field: number, value: number) => {
                if (id !== reqId) return;
                applyPriceTick(snap.fields, field, value);
                progressed();
              };
              const onSize = (id: number, field: number | undefined, value: number | undefined) => {
                if (id === reqId && field !== undefined) applySizeTick(snap.fields, field, value);
              };
              const onOption = (
                id: number,
                field: number,
                _attrib: number | undefined,
                impliedVol?: number,
                delta?: number,
                optPrice?: number,
                _pvDividend?: number,
                gamma?: number,
                vega?: number,
                theta?: number,
                undPrice?: number,
              ) => {
                // the model tick wins; bid/ask/last computations only fill in when no model tick came
                if (id !== reqId || (snap.greeks && !modelOptionTicks.has(field))) return;
                snap.greeks = toOptionGreeks({ impliedVol, delta, optPrice, gamma, vega, theta, undPrice });
                progressed();
              };
              const onEnd = (id: number) => id === reqId && finish();
              return {
                events: [
                  [EventName.marketDataType, onType as Handler],
                  [EventName.tickPrice, onPrice as Handler],
                  [EventName.tickSize, onSize as Handler],
                  [EventName.tickOptionComputation, onOption as Handler],
                  [EventName.tickSnapshotEnd, onEnd as Handler],
                ],
                send: () => {
                  // the type applies to the requests that follow it on the socket: sent together, they cannot interleave
                  link.raw.reqMarketDataType(marketDataTypeIds[type]);
                  link.raw.reqMktData(reqId, toIbContract(c), "", !streaming, false);
                },
                cancel: () => {
                  clearTimeout(timer);
                  clearTimeout(settle);
                  if (streaming) link.raw.cancelMktData(reqId);
                },
              };
            }),
          // a line granted with no time left for the snapshot is wasted: give up (RATE_LIMITED) before that
          Math.min(SNAPSHOT_RESERVE_MS, Math.max(0, (run.deadlineAt - Date.now()) / 2)),
        ),
      );
    },
  };
}
