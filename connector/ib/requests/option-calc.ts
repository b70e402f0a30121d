import { EventName } from "@stoqey/ib";
import { createRequestCache } from "../../request-cache.ts";
import type { IbClient, OptionCalculation } from "../client-types.ts";
import { toIbContract, toOptionGreeks } from "../convert.ts";
import { byReqId, type Call, describe, general, type Handler } from "../request.ts";

/**
 * IB's option calculators (calculateOptionPrice, calculateImpliedVolatility). They hold no market data line, so
 * they are paced as general messages; identical calculations running at once share one IB request.
 */
export function optionCalcRequests(call: Call): Pick<IbClient, "optionCalculation"> {
  const running = createRequestCache<OptionCalculation>({ ttlMs: 0 });
  return {
    optionCalculation(c, kind, value, underPrice, scope) {
      const subject = describe(c);
      const key = [c.conId, kind, value, underPrice].join("|");
      return running.get(key, scope, (run) =>
        call(subject, general, run, (link) =>
          byReqId<OptionCalculation>(link, run, subject, (reqId, done) => {
            const cancel = () =>
              kind === "price"
                ? link.raw.cancelCalculateOptionPrice(reqId)
                : link.raw.cancelCalculateImpliedVolatility(reqId);
            const onOption = (
              id: number,
              _field: number,
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
              if (id !== reqId) return;
              // one answer is the result; IB may keep recalculating until told to stop
              cancel();
              done(toOptionGreeks({ impliedVol, delta, optPrice, gamma, vega, theta, undPrice }));
            };
            return {
              events: [[EventName.tickOptionComputation, onOption as Handler]],
              send: () =>
                kind === "price"
                  ? link.raw.calculateOptionPrice(reqId, toIbContract(c), value, underPrice)
                  : link.raw.calculateImpliedVolatility(reqId, toIbContract(c), value, underPrice),
              cancel,
            };
          }),
        ),
      );
    },
  };
}
