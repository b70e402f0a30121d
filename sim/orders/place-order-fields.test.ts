import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type Contract,
  EventName,
  type IBApi,
  type Order,
  OrderAction,
  type OrderCondition,
  OrderConditionType,
  type OrderState,
  OrderType,
  SecType,
} from "@stoqey/ib";
import { type Simulator, startSimulator } from "../server.ts";
import { collectCodes, connectApi, waitFor } from "../testing/clients.ts";
import { openMarket } from "../testing/open-market.ts";
import { findInstrument } from "../universe/instruments.ts";

const ibm = findInstrument("IBM", "STK")!;
const contract: Contract = {
  conId: ibm.conId,
  symbol: "IBM",
  secType: SecType.STK,
  exchange: "SMART",
  currency: "USD",
};

/** Every optional, count-prefixed or conditional block placeOrder can carry before and after whatIf. */
const exotic: Order = {
  action: OrderAction.BUY,
  orderType: OrderType.LMT,
  lmtPrice: 10,
  totalQuantity: 1,
  orderRef: "walk-1",
  deltaNeutralOrderType: "MKT",
  scalePriceIncrement: 0.5,
  scaleInitLevelSize: 1,
  scaleSubsLevelSize: 1,
  hedgeType: "D",
  hedgeParam: "0.5",
  algoStrategy: "Adaptive",
  algoParams: [
    { tag: "adaptivePriority", value: "Normal" },
    { tag: "x", value: "y" },
  ],
  conditions: [
    { type: OrderConditionType.Price, conjunctionConnection: "a" },
    { type: OrderConditionType.Time, conjunctionConnection: "o" },
    { type: OrderConditionType.Margin, conjunctionConnection: "a" },
    { type: OrderConditionType.Execution, conjunctionConnection: "a" },
    { type: OrderConditionType.Volume, conjunctionConnection: "a" },
    { type: OrderConditionType.PercentChange, conjunctionConnection: "a" },
  ] as unknown as OrderCondition[],
  whatIf: true,
  transmit: true,
};

describe("placeOrder field walk against @stoqey/ib's encoder", { timeout: 30_000 }, () => {
  for (const serverVersion of [176, 188, 193]) {
    describe(`server version ${serverVersion}`, () => {
      let sim: Simulator;
      let api: IBApi;
      let codes: ReturnType<typeof collectCodes>;
      const warnings: string[] = [];
      before(async () => {
        sim = await startSimulator({
          timeScale: 0.01,
          market: openMarket(),
          serverVersion,
          log: (level, msg) => {
            if (level !== "info") warnings.push(msg);
          },
        });
        api = await connectApi(sim, 4);
        codes = collectCodes(api);
      });
      after(async () => {
        api.disconnect();
        await sim.close();
      });

      it("reads every block in order: whatIf and orderRef land right, nothing is left over", async () => {
        const cases: Array<[Contract, Order]> = [
          [contract, exotic],
          [
            { ...contract, deltaNeutralContract: { conId: 1, delta: 0.5, price: 10 } },
            {
              ...exotic,
              orderType: "PEG BEST" as OrderType,
              minCompeteSize: 1,
              competeAgainstBestOffset: Infinity,
            },
          ],
          [
            { ...contract, exchange: "IBKRATS" },
            { ...exotic, orderType: "PEG MID" as OrderType },
          ],
          [contract, { ...exotic, orderType: "PEG BENCH" as OrderType, referenceContractId: 1 }],
        ];
        let id = 100;
        for (const [c, o] of cases) {
          const oid = id++;
          // unsupported types are refused after the walk; the supported LMT answers with its preview
          const answer =
            o.orderType === OrderType.LMT
              ? waitFor<[number, Contract, Order, OrderState]>(
                  api,
                  EventName.openOrder,
                  (i: number) => i === oid,
                )
              : waitFor(
                  api,
                  EventName.error,
                  (_e, code: number, reqId: number) => reqId === oid && code === 387,
                );
          api.placeOrder(oid, c, o);
          const got = await answer;
          if (o.orderType === OrderType.LMT) {
            const [, , order] = got as [number, Contract, Order, OrderState];
            assert.equal(order.whatIf, true);
            assert.equal(order.orderRef, "walk-1");
          }
        }
        assert.deepEqual(warnings, [], "the walk left fields over");
        assert.equal(codes.filter((c) => /Underrun|Decoding|unprocessed/.test(c.message)).length, 0);
      });
    });
  }
});
