import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectorEnv, parseEnv } from "../../shared/config.ts";
import { IbMcpError } from "../../shared/errors.ts";
import type { BoundOrder } from "../../shared/schemas/order.ts";
import { assertWithinLimits, checkLimits } from "./limits.ts";

const cfg = (extra: Record<string, string> = {}) =>
  parseEnv(ConnectorEnv, {
    ORDER_MAX_QUANTITY: "10",
    ORDER_MAX_NOTIONAL: "2000",
    ORDER_DAILY_MAX_NOTIONAL: "5000",
    ORDER_PRICE_BAND_PCT: "5",
    ...extra,
  });

const order = (o: Partial<BoundOrder> = {}): BoundOrder => ({
  conId: 1,
  symbol: "AAPL",
  sec_type: "STK",
  exchange: "SMART",
  currency: "USD",
  multiplier: 1,
  side: "BUY",
  quantity: 5,
  order_type: "LMT",
  limit_price: 100,
  tif: "DAY",
  outside_rth: false,
  account: "DU1",
  reference_price: 100,
  notional: 500,
  ...o,
});

function failed(c: ReturnType<typeof cfg>, o: BoundOrder, last = 100, used = 0): string[] {
  return checkLimits(c, o, last, used)
    .filter((x) => !x.ok)
    .map((x) => x.name);
}

describe("trading limits", () => {
  it("pass an order inside every limit", () => {
    assert.deepEqual(failed(cfg(), order()), []);
    assert.doesNotThrow(() => assertWithinLimits(checkLimits(cfg(), order(), 100, 0)));
  });

  it("refuse each cap on its own", () => {
    assert.deepEqual(failed(cfg(), order({ quantity: 11, notional: 1100 })), ["max_quantity"]);
    assert.deepEqual(failed(cfg(), order({ notional: 2001 })), ["max_notional"]);
    assert.deepEqual(failed(cfg(), order(), 100, 4600), ["daily_max_notional"]);
    assert.deepEqual(failed(cfg({ ORDER_SYMBOL_DENYLIST: "aapl,tsla" }), order()), ["symbol_denylist"]);
    assert.deepEqual(failed(cfg({ ORDER_SYMBOL_ALLOWLIST: "MSFT" }), order()), ["symbol_allowlist"]);
    assert.deepEqual(failed(cfg(), order({ sec_type: "OPT" })), ["sec_type_allowlist"]);
    assert.deepEqual(failed(cfg({ ORDER_SECTYPE_ALLOWLIST: "STK,OPT" }), order({ sec_type: "OPT" })), []);
  });

  it("refuse a trailing stop or an algo until the operator lists it in ORDER_TYPE_ALLOWLIST", () => {
    const trail = order({ order_type: "TRAIL", limit_price: undefined, trailing_amount: 1 });
    const adaptive = order({ algo: "Adaptive", algo_priority: "Urgent" });
    assert.deepEqual(failed(cfg(), trail), ["order_type_allowlist"]);
    assert.deepEqual(failed(cfg(), order({ order_type: "TRAIL LIMIT", limit_offset: 1 })), [
      "order_type_allowlist",
    ]);
    assert.deepEqual(failed(cfg(), adaptive), ["order_type_allowlist"]);
    const listed = cfg({ ORDER_TYPE_ALLOWLIST: "LMT,TRAIL,adaptive" });
    assert.deepEqual(failed(listed, trail), []);
    assert.deepEqual(failed(listed, adaptive), []);
    assert.deepEqual(failed(listed, order({ order_type: "MKT", limit_price: undefined })), [
      "order_type_allowlist",
    ]);
    assert.throws(
      () => assertWithinLimits(checkLimits(cfg(), trail, 100, 0)),
      /order_type_allowlist: TRAIL exceeds the limit MKT,LMT,STP,STP LMT/,
    );
  });

  it("an OCA group needs OCA and each leg's type listed; each leg's prices are held to the band", () => {
    const group = order({ oca_orders: [{ order_type: "STP", stop_price: 94 }], oca_type: "cancel" });
    assert.deepEqual(failed(cfg(), group), ["order_type_allowlist", "price_band:oca_orders[0].stop_price"]);
    assert.deepEqual(failed(cfg({ ORDER_TYPE_ALLOWLIST: "LMT,STP,OCA" }), group), [
      "price_band:oca_orders[0].stop_price",
    ]);
    const inBand = order({ oca_orders: [{ order_type: "TRAIL", trailing_amount: 2 }], oca_type: "cancel" });
    assert.deepEqual(failed(cfg({ ORDER_TYPE_ALLOWLIST: "LMT,OCA" }), inBand), ["order_type_allowlist"]);
    assert.deepEqual(failed(cfg({ ORDER_TYPE_ALLOWLIST: "LMT,OCA,TRAIL" }), inBand), []);
  });

  it("hold limit, stop and bracket prices to the band around the last price", () => {
    assert.deepEqual(failed(cfg(), order({ limit_price: 106 })), ["price_band:limit_price"]);
    assert.deepEqual(failed(cfg(), order({ limit_price: 95 })), []);
    assert.deepEqual(failed(cfg(), order({ limit_price: undefined, stop_price: 90 })), [
      "price_band:stop_price",
    ]);
    assert.deepEqual(failed(cfg(), order({ take_profit_price: 104, stop_loss_price: 80 })), [
      "price_band:stop_loss_price",
    ]);
  });

  it("the refusal names every failed limit and what to do", () => {
    assert.throws(
      () => assertWithinLimits(checkLimits(cfg(), order({ quantity: 50, notional: 5000 }), 100, 0)),
      (err: unknown) =>
        err instanceof IbMcpError &&
        err.code === "INVALID_ARGUMENT" &&
        /max_quantity: 50 exceeds the limit 10/.test(err.message) &&
        /max_notional/.test(err.message) &&
        /operator/.test(err.message),
    );
  });
});
