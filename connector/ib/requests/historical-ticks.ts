import { EventName, type WhatToShow } from "@stoqey/ib";
import type { ContractSummary } from "../../../shared/schemas/fields.ts";
import type { PacedRequest } from "../../pacing/index.ts";
import type { HistoricalTick, IbClient, TicksRequest } from "../client-types.ts";
import { toIbContract } from "../convert.ts";
import { byReqId, type Call, describe, type Handler } from "../request.ts";

const num = (v: unknown): number | undefined => {
  const n = Number(v);
  return v === undefined || v === null || !Number.isFinite(n) ? undefined : n;
};

interface IbTick {
  time?: number;
  price?: number;
  size?: unknown;
  priceBid?: number;
  priceAsk?: number;
  sizeBid?: unknown;
  sizeAsk?: unknown;
  exchange?: string;
}

/** One of IB's three tick layouts as the tool's tick: epoch seconds, then whichever fields the layout has. */
function toTick(t: IbTick, what: TicksRequest["whatToShow"]): HistoricalTick {
  const tick: HistoricalTick = { time: t.time ?? 0 };
  if (what === "BID_ASK") {
    tick.bid = num(t.priceBid);
    tick.ask = num(t.priceAsk);
    tick.bidSize = num(t.sizeBid);
    tick.askSize = num(t.sizeAsk);
  } else {
    tick.price = num(t.price);
    // MIDPOINT ticks carry a size of 0 by IB's layout: not a traded size
    if (what === "TRADES") tick.size = num(t.size);
    if (t.exchange) tick.exchange = t.exchange;
  }
  return tick;
}

const EVENTS = {
  TRADES: EventName.historicalTicksLast,
  BID_ASK: EventName.historicalTicksBidAsk,
  MIDPOINT: EventName.historicalTicks,
} as const;

/** reqHistoricalTicks: up to 1000 ticks from a start or back from an end; IB counts it as historical data. */
export function historicalTicksRequests(call: Call): Pick<IbClient, "historicalTicks"> {
  return {
    historicalTicks(c: ContractSummary, req, scope) {
      const key = [
        "ticks",
        c.conId,
        c.exchange ?? "",
        req.start,
        req.end,
        req.count,
        req.whatToShow,
        req.useRth,
      ];
      const paced: PacedRequest = {
        kind: "historical",
        key: key.join("|"),
        contractKey: [c.conId, c.exchange ?? "", req.whatToShow].join("|"),
        weight: req.whatToShow === "BID_ASK" ? 2 : 1,
      };
      return call(describe(c), paced, scope, (link) =>
        byReqId<HistoricalTick[]>(link, scope, describe(c), (reqId, done) => {
          const ticks: HistoricalTick[] = [];
          // IB may split an answer over several messages; the last carries done = true
          const onTicks = (id: number, batch: IbTick[], last: boolean) => {
            if (id !== reqId) return;
            for (const t of batch) ticks.push(toTick(t, req.whatToShow));
            if (last) done(ticks);
          };
          return {
            events: [[EVENTS[req.whatToShow], onTicks as Handler]],
            send: () =>
              link.raw.reqHistoricalTicks(
                reqId,
                toIbContract(c),
                req.start,
                req.end,
                req.count,
                req.whatToShow as WhatToShow,
                req.useRth ? 1 : 0,
                false,
              ),
          };
        }),
      );
    },
  };
}
