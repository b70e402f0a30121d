import { IbMcpError } from "../../shared/errors.ts";
import { getOptionChain } from "../../shared/tools/get-option-chain.ts";
import { defineHandler } from "./context.ts";
import { resolveGuessing } from "./underlying.ts";

export const getOptionChainHandler = defineHandler(getOptionChain, async (args, ctx) => {
  if (args.min_strike > 0 && args.max_strike > 0 && args.min_strike > args.max_strike)
    throw new IbMcpError(
      "INVALID_ARGUMENT",
      `min_strike ${args.min_strike} is above max_strike ${args.max_strike}; swap them or set one to 0`,
    );
  const underlying = await resolveGuessing(args, ctx);
  const params = await ctx.ib.optionParams(underlying, ctx);
  const chains = params
    .filter((p) => !args.trading_class || p.tradingClass.toUpperCase() === args.trading_class.toUpperCase())
    .map((p) => {
      const inRange = p.strikes.filter(
        (k) =>
          (args.min_strike <= 0 || k >= args.min_strike) && (args.max_strike <= 0 || k <= args.max_strike),
      );
      return {
        ...p,
        strikes: inRange.slice(args.strike_offset, args.strike_offset + args.max_strikes),
        totalStrikes: inRange.length,
      };
    });
  return { underlying, chains };
});
