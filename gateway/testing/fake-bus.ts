import type { Bus, CallContext } from "../../shared/bus.ts";
import type { TradingMode } from "../../shared/mode.ts";

export interface RecordedCall {
  mode: TradingMode;
  tool: string;
  args: unknown;
  ctx: CallContext;
}

/** A Bus for unit tests: answers with `handler`, records every call, and pings as `alive` says. */
export function createFakeBus(handler: (call: RecordedCall) => Promise<unknown> | unknown) {
  const calls: RecordedCall[] = [];
  const state = { alive: true, pings: 0 };
  const bus: Bus = {
    async call(mode, tool, args, ctx) {
      const call = { mode, tool, args, ctx };
      calls.push(call);
      return handler(call);
    },
    async ping() {
      state.pings++;
      return state.alive;
    },
    async close() {},
  };
  return { bus, calls, state };
}

/** A lookup_contract result that satisfies the catalogue's output schema. */
export function aaplLookup(symbol = "AAPL") {
  return {
    symbol,
    contracts: [
      {
        conId: 265598,
        symbol,
        secType: "STK",
        exchange: "SMART",
        primaryExchange: "NASDAQ",
        currency: "USD",
      },
    ],
  };
}
