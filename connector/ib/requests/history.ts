import { type BarSizeSetting, EventName, type WhatToShow } from "@stoqey/ib";
import type { Bar } from "../../../shared/schemas/history.ts";
import type { PacedRequest } from "../../pacing/index.ts";
import type { IbClient } from "../client-types.ts";
import { toBar, toIbContract } from "../convert.ts";
import { byReqId, type Call, describe, type Handler } from "../request.ts";

/** Historical bars and fundamental reports, each under its own IB pacing rules. */
export function historyRequests(call: Call): Pick<IbClient, "historicalBars" | "fundamentalData"> {
  return {
    historicalBars(c, req, scope) {
      const key = [c.conId, c.exchange, req.duration, req.barSize, req.whatToShow, req.useRth].join("|");
      const paced: PacedRequest = {
        kind: "historical",
        key,
        contractKey: [c.conId, c.exchange ?? "", req.whatToShow].join("|"),
        // IB counts a BID_ASK request twice against the historical limits
        weight: req.whatToShow === "BID_ASK" ? 2 : 1,
      };
      return call(describe(c), paced, scope, (link) =>
        byReqId<Bar[]>(link, scope, describe(c), (reqId, done) => {
          const bars: Bar[] = [];
          const onBar = (
            id: number,
            time: string,
            open: number,
            high: number,
            low: number,
            close: number,
            volume: number,
            count: number | undefined,
            wap: number,
          ) => {
            if (id !== reqId) return;
            if (time.startsWith("finished")) return done(bars);
            const bar = toBar({ time, open, high, low, close, volume, count, WAP: wap });
            if (bar) bars.push(bar);
          };
          return {
            events: [[EventName.historicalData, onBar as Handler]],
            send: () =>
              link.raw.reqHistoricalData(
                reqId,
                toIbContract(c),
                "",
                req.duration,
                req.barSize as BarSizeSetting,
                req.whatToShow as WhatToShow,
                req.useRth ? 1 : 0,
                2,
                false,
              ),
            cancel: () => link.raw.cancelHistoricalData(reqId),
          };
        }),
      );
    },

    fundamentalData(c, reportType, scope) {
      return call(describe(c), { kind: "fundamental" }, scope, (link) =>
        byReqId<string>(link, scope, describe(c), (reqId, done) => ({
          events: [
            [
              EventName.fundamentalData,
              ((id: number, data: string) => id === reqId && done(data)) as Handler,
            ],
          ],
          send: () => link.raw.reqFundamentalData(reqId, toIbContract(c), reportType, []),
          cancel: () => link.raw.cancelFundamentalData(reqId),
        })),
      );
    },
  };
}
