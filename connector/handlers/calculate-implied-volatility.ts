import { calculateImpliedVolatility } from "../../shared/tools/calculate-implied-volatility.ts";
import { defineHandler } from "./context.ts";
import { resolveOption } from "./option-contract.ts";

export const calculateImpliedVolatilityHandler = defineHandler(
  calculateImpliedVolatility,
  async (args, ctx) => {
    const contract = await resolveOption(args, ctx);
    const greeks = await ctx.ib.optionCalculation(
      contract,
      "iv",
      args.option_price,
      args.underlying_price,
      ctx,
    );
    return { contract, greeks };
  },
);
