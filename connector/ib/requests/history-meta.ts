import { DurationUnit, EventName, type WhatToShow } from "@stoqey/ib";
import type { ContractSummary } from "../../../shared/schemas/fields.ts";
import type { PacedRequest } from "../../pacing/index.ts";
import type { IbClient } from "../client-types.ts";
import { toIbContract } from "../convert.ts";
import { byReqId, type Call, describe, type Handler } from "../request.ts";

/** IB counts head timestamp and histogram requests in the historical limits: paced as historical data. */
function historical(c: ContractSummary, what: string, key: string): PacedRequest {
  return { kind: "historical", key, contractKey: [c.conId, c.exchange ?? "", what].join("|") };
}

const UNITS: Record<string, DurationUnit> = {
  day: DurationUnit.DAY,
  week: DurationUnit.WEEK,
  month: DurationUnit.MONTH,
  year: DurationUnit.YEAR,
};

/** The earliest data IB has (reqHeadTimestamp) and the price distribution of a period (reqHistogramData). */
export function historyMetaRequests(call: Call): Pick<IbClient, "headTimestamp" | "histogram"> {
  return {
    headTimestamp(c, whatToShow, useRth, scope) {
      const key = ["head", c.conId, c.exchange ?? "", whatToShow, useRth].join("|");
      return call(describe(c), historical(c, whatToShow, key), scope, (link) =>
        byReqId<string>(link, scope, describe(c), (reqId, done) => ({
          events: [
            [EventName.headTimestamp, ((id: number, head: string) => id === reqId && done(head)) as Handler],
          ],
          // formatDate 2: epoch seconds, free of IB's time-zone spellings
          send: () => link.raw.reqHeadTimestamp(reqId, toIbContract(c), whatToShow as WhatToShow, useRth, 2),
          cancel: () => link.raw.cancelHeadTimestamp(reqId),
        })),
      );
    },

    histogram(c, period, useRth, scope) {
      const key = ["histogram", c.conId, c.exchange ?? "", period.count, period.unit, useRth].join("|");
      return call(describe(c), historical(c, "HISTOGRAM", key), scope, (link) =>
        byReqId<Array<{ price: number; size: number }>>(link, scope, describe(c), (reqId, done) => ({
          events: [
            [
              EventName.histogramData,
              ((id: number, rows: Array<{ price: number; size: unknown }>) =>
                id === reqId && done(rows.map((r) => ({ price: r.price, size: Number(r.size) })))) as Handler,
            ],
          ],
          send: () =>
            link.raw.reqHistogramData(
              reqId,
              toIbContract(c),
              useRth,
              period.count,
              UNITS[period.unit] ?? DurationUnit.DAY,
            ),
          cancel: () => link.raw.cancelHistogramData(reqId),
        })),
      );
    },
  };
}
