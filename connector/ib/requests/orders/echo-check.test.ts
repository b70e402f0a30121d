import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Contract, type Order, SecType } from "@stoqey/ib";
import type { BoundOrder } from "../../../../shared/schemas/order.ts";
import { aaplOrder } from "../../../test-support.ts";
import { echoDifferences } from "./echo-check.ts";
import { boundContractOf, contractOf, ibOrdersOf } from "./ib-orders-of.ts";

const bound = aaplOrder({
  order_type: "LMT",
  limit_price: 200,
  take_profit_price: 210,
  stop_loss_price: 190,
});
const contract = { conId: 265598, symbol: "AAPL", secType: "STK", currency: "USD" };
const echoContract: Contract = { ...contract, secType: SecType.STK, exchange: "SMART" };

describe("IB's echo of an order", () => {
  const legs = ibOrdersOf(bound, "ibmcp-00", 10);

  it("an echo of exactly what was sent has no differences, for every bracket leg (IB's unset prices as none)", () => {
    for (const [id, sent] of legs) {
      const echo = { ...sent, lmtPrice: sent.lmtPrice ?? Number.MAX_VALUE, auxPrice: sent.auxPrice ?? 0 };
      assert.deepEqual(echoDifferences(id, sent, contract, { contract: echoContract, order: echo }), []);
    }
  });

  it("names each field that differs, with what was sent and what IB holds", () => {
    const [id, sent] = legs[0]!;
    const cases: Array<[Record<string, unknown>, Record<string, unknown>, RegExp]> = [
      [{ totalQuantity: 50 }, {}, /order 10 quantity: sent 1, IB has 50/],
      [{ orderType: "MKT" }, {}, /order_type: sent LMT, IB has MKT/],
      [{ action: "SELL" }, {}, /side: sent BUY, IB has SELL/],
      [{ lmtPrice: 228 }, {}, /limit_price: sent 200, IB has 228/],
      [{ auxPrice: 5 }, {}, /stop_price: sent \(none\), IB has 5/],
      [{ tif: "GTC" }, {}, /tif: sent DAY, IB has GTC/],
      [{ account: "DU999" }, {}, /account: sent DU111, IB has DU999/],
      [{ orderRef: "other" }, {}, /orderRef: sent ibmcp-00, IB has other/],
      [{ outsideRth: true }, {}, /outside_rth: sent false, IB has true/],
      [{ parentId: 3 }, {}, /parentId: sent 0, IB has 3/],
      [
        {},
        { conId: 272093, symbol: "MSFT" },
        /conId: sent 265598, IB has 272093.*symbol: sent AAPL, IB has MSFT/,
      ],
      [{}, { currency: "EUR" }, /currency: sent USD, IB has EUR/],
      [{ trailingPercent: 2 }, {}, /trailing_percent: sent \(none\), IB has 2/],
      [{ lmtPriceOffset: 0.3 }, {}, /limit_offset: sent \(none\), IB has 0.3/],
      [{ algoStrategy: "Vwap" }, {}, /algo: sent \(none\), IB has Vwap/],
      [
        { algoParams: [{ tag: "maxPctVol", value: "0.5" }] },
        {},
        /algo_params: sent \(none\), IB has maxPctVol=0.5/,
      ],
      [{ ocaGroup: "g1" }, {}, /oca_group: sent \(none\), IB has g1/],
    ];
    for (const [order, c, pattern] of cases) {
      const d = echoDifferences(id, sent, contract, {
        contract: { ...echoContract, ...c },
        order: { ...sent, ...order },
      });
      assert.match(d.join("; "), pattern);
    }
  });

  it("compares a trailing stop's amount, percent and offset, and an algo's params, with what was sent", () => {
    const { limit_price, take_profit_price, stop_loss_price, ...plain } = bound;
    const trail: BoundOrder = {
      ...plain,
      order_type: "TRAIL LIMIT",
      trailing_amount: 1.5,
      limit_offset: 0.25,
    };
    const [[id, sent]] = ibOrdersOf(trail, "ibmcp-01", 20) as [[number, Order]];
    assert.equal(sent.auxPrice, 1.5);
    assert.equal(sent.lmtPriceOffset, 0.25);
    const same = { contract: echoContract, order: { ...sent, trailingPercent: Number.MAX_VALUE } };
    assert.deepEqual(echoDifferences(id, sent, contract, same), []);
    const moved = { contract: echoContract, order: { ...sent, auxPrice: 3, lmtPriceOffset: 1 } };
    assert.match(
      echoDifferences(id, sent, contract, moved).join("; "),
      /trailing_amount: sent 1.5, IB has 3.*limit_offset: sent 0.25, IB has 1/,
    );
    const adaptive: BoundOrder = { ...plain, limit_price, algo: "Adaptive", algo_priority: "Patient" };
    const [[aid, a]] = ibOrdersOf(adaptive, "ibmcp-02", 30) as [[number, Order]];
    assert.deepEqual(a.algoParams, [{ tag: "adaptivePriority", value: "Patient" }]);
    const urgent = { ...a, algoParams: [{ tag: "adaptivePriority", value: "Urgent" }] };
    assert.match(
      echoDifferences(aid, a, contract, { contract: echoContract, order: urgent }).join("; "),
      /algo_params: sent adaptivePriority=Patient, IB has adaptivePriority=Urgent/,
    );
    assert.ok(take_profit_price && stop_loss_price);
  });

  it("sends an OCA group as orders sharing the token's orderRef as group name and IB's ocaType", () => {
    const { take_profit_price, stop_loss_price, ...plain } = bound;
    const group: BoundOrder = {
      ...plain,
      oca_orders: [{ order_type: "TRAIL", trailing_amount: 2 }],
      oca_type: "reduce",
    };
    const legs = ibOrdersOf(group, "ibmcp-03", 40);
    assert.deepEqual(
      legs.map(([id, o]) => [id, o.orderType, o.ocaGroup, o.ocaType, o.orderRef, o.auxPrice]),
      [
        [40, "LMT", "ibmcp-03", 2, "ibmcp-03", undefined],
        [41, "TRAIL", "ibmcp-03", 2, "ibmcp-03-oca1", 2],
      ],
    );
    const [id, sent] = legs[1]!;
    const outOfGroup = { contract: echoContract, order: { ...sent, ocaGroup: "" } };
    assert.match(
      echoDifferences(id, sent, contract, outOfGroup).join("; "),
      /oca_group: sent ibmcp-03, IB has \(none\)/,
    );
    assert.ok(take_profit_price && stop_loss_price);
  });

  it("sends a combo as a BAG of its legs and checks IB's echo leg by leg", () => {
    const { take_profit_price, stop_loss_price, ...plain } = bound;
    const combo: BoundOrder = {
      ...plain,
      conId: 0,
      sec_type: "BAG",
      multiplier: 100,
      combo_legs: [
        { conId: 11, ratio: 1, action: "BUY", exchange: "SMART" },
        { conId: 12, ratio: 2, action: "SELL", exchange: "SMART" },
      ],
    };
    const sentContract = contractOf(combo);
    assert.equal(sentContract.secType, "BAG");
    assert.deepEqual(
      sentContract.comboLegs?.map((l) => [l.conId, l.ratio, l.action]),
      [
        [11, 1, "BUY"],
        [12, 2, "SELL"],
      ],
    );
    const [[id, sent]] = ibOrdersOf(combo, "ibmcp-04", 50) as [[number, Order]];
    const want = boundContractOf(combo);
    const echo = (legs: Contract["comboLegs"]) => ({
      contract: { ...sentContract, conId: 28812380, symbol: "AAPL", comboLegs: legs },
      order: sent,
    });
    assert.deepEqual(echoDifferences(id, sent, want, echo(sentContract.comboLegs)), []);
    const swapped = sentContract.comboLegs!.map((l, k) =>
      k === 1 ? { ...l, action: "BUY" as never, ratio: 3 } : l,
    );
    assert.match(
      echoDifferences(id, sent, want, echo(swapped)).join("; "),
      /leg 2 ratio: sent 2, IB has 3; order 50 leg 2 action: sent SELL, IB has BUY/,
    );
    assert.match(
      echoDifferences(id, sent, want, echo(sentContract.comboLegs!.slice(0, 1))).join("; "),
      /combo legs: sent 2, IB has 1.*leg 2 conId: sent 12, IB has \(none\)/,
    );
    assert.ok(take_profit_price && stop_loss_price);
  });
});
