import type { Bus, CallContext } from "../shared/bus.ts";
import { IbMcpError, toIbMcpError } from "../shared/errors.ts";
import type { TradingMode } from "../shared/mode.ts";
import type { Dispatcher } from "./dispatch.ts";

// what crosses NATS is JSON; doing the same here keeps the in-process path honest (no shared objects, no Dates)
function jsonCopy(value: unknown, what: string): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value));
  } catch (cause) {
    throw new IbMcpError("INVALID_ARGUMENT", `${what} cannot be sent as JSON`, { cause });
  }
}

/** The in-process bus of the all-in-one process: calls the mode's dispatcher directly, no NATS. */
export function createLocalBus(dispatchers: Partial<Record<TradingMode, Dispatcher>>): Bus {
  let closed = false;
  return {
    async call(mode: TradingMode, tool: string, args: unknown, ctx: CallContext): Promise<unknown> {
      const dispatch = dispatchers[mode];
      if (!dispatch || closed)
        throw new IbMcpError(
          "CONNECTOR_UNAVAILABLE",
          `no connector serves ${mode} mode in this process (start it with TRADING_MODE=${mode})`,
          { requestId: ctx.requestId },
        );
      const sentArgs = jsonCopy(args, `the arguments of ${tool}`);
      let result: unknown;
      try {
        result = await dispatch(tool, sentArgs, ctx);
      } catch (err) {
        throw IbMcpError.fromInfo(toIbMcpError(err).toInfo());
      }
      return jsonCopy(result, `the result of ${tool}`);
    },
    async ping(mode: TradingMode): Promise<boolean> {
      return !closed && dispatchers[mode] !== undefined;
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}
