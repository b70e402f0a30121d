import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EventName, OrderAction, OrderType, SecType, WhatToShow } from "@stoqey/ib";
import { waitFor } from "./testing/clients.ts";
import { openMarket } from "./testing/open-market.ts";
import { openSession } from "./testing/session.ts";
import { universe } from "./universe/instruments.ts";

describe("replies are encoded for the announced server version", { timeout: 30_000 }, () => {
  for (const serverVersion of [176, 182, 186, 188, 193]) {
    it(`server version ${serverVersion}: every message group decodes cleanly`, async () => {
      const s = await openSession({ serverVersion, timeScale: 0.01, market: openMarket() });
      try {
        assert.equal(s.api.serverVersion, serverVersion);
        const [stk] = await s.next.getContractDetails({ conId: 265598 });
        assert.equal(stk?.contract.symbol, "AAPL");
        const opt = universe().instruments.find((i) => i.secType === "OPT")!;
        const [o] = await s.next.getContractDetails({ conId: opt.conId });
        assert.equal(o?.contract.lastTradeDateOrContractMonth, opt.lastTradeDateOrContractMonth);
        assert.equal((await s.next.getMatchingSymbols("IBM"))[0]?.contract?.conId, 8314);
        const bars = await s.next.getHistoricalData(
          { conId: 265598, exchange: "SMART" },
          "20250110 16:00:00 US/Eastern",
          "1 D",
          "30 mins" as never,
          WhatToShow.TRADES,
          1,
          1,
        );
        assert.equal(bars.length, 13);
        await s.next.getMarketDataSnapshot({ conId: opt.conId, exchange: opt.exchange }, "", false);
        const bond = universe().instruments.find((i) => i.secType === "BOND")!;
        const bondEnd = waitFor(s.api, EventName.contractDetailsEnd, (id: number) => id === 9);
        s.api.reqContractDetails(9, { conId: bond.conId });
        await bondEnd;
        const filled = waitFor(s.api, EventName.commissionReport);
        s.api.placeOrder(
          1,
          { conId: 272093, symbol: "MSFT", secType: SecType.STK, exchange: "SMART", currency: "USD" },
          { action: OrderAction.SELL, orderType: OrderType.MKT, totalQuantity: 5, transmit: true },
        );
        await filled;
        assert.equal((await s.next.getExecutionDetails({})).length, 1);
        assert.deepEqual(s.decodeProblems(), []);
      } finally {
        await s.close();
      }
    });
  }
});
