import { EventName, type WhatToShow } from "@stoqey/ib";
import type { IbClient, RealtimeBar } from "../client-types.ts";
import { toIbContract } from "../convert.ts";
import { byReqId, type Call, describe, type Handler } from "../request.ts";

/** What the collection needs after its line is granted: the pacer wait ends this long before the deadline. */
const RESERVE_MS = 1_000;

/**
 * A short window of IB's 5-second bars: subscribe, keep up to `count` bars until `untilMs`, cancel. It holds a
 * market data line while it runs, as every streaming subscription does.
 */
export function realtimeBarsRequests(call: Call): Pick<IbClient, "realtimeBars"> {
  return {
    realtimeBars(c, req, scope) {
      return call(
        describe(c),
        { kind: "marketData" },
        scope,
        (link) =>
          byReqId<RealtimeBar[]>(link, scope, describe(c), (reqId, done) => {
            const bars: RealtimeBar[] = [];
            const stop = () => link.raw.cancelRealTimeBars(reqId);
            const finish = () => {
              clearTimeout(timer);
              stop();
              done(bars);
            };
            // stop a little before the caller's deadline so what arrived is still the answer
            const timer = setTimeout(
              finish,
              Math.max(0, Math.min(req.untilMs, scope.deadlineAt - 500) - Date.now()),
            );
            timer.unref();
            const onBar = (
              id: number,
              time: number,
              open: number,
              high: number,
              low: number,
              close: number,
              volume: unknown,
              wap: unknown,
              count: number,
            ) => {
              if (id !== reqId) return;
              bars.push({ time, open, high, low, close, volume: Number(volume), wap: Number(wap), count });
              if (bars.length >= req.count) finish();
            };
            return {
              events: [[EventName.realtimeBar, onBar as Handler]],
              send: () =>
                link.raw.reqRealTimeBars(reqId, toIbContract(c), 5, req.whatToShow as WhatToShow, req.useRth),
              cancel: () => {
                clearTimeout(timer);
                stop();
              },
            };
          }),
        RESERVE_MS,
      );
    },
  };
}
