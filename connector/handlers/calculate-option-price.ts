import { calculateOptionPrice } from "../../shared/tools/calculate-option-price.ts";
import { defineHandler } from "./context.ts";
import { resolveOption } from "./option-contract.ts";

export const calculateOptionPriceHandler = defineHandler(calculateOptionPrice, async (args, ctx) => {
  const contract = await resolveOption(args, ctx);
  const greeks = await ctx.ib.optionCalculation(
    contract,
    "price",
    args.volatility,
    args.underlying_price,
    ctx,
  );
  return { contract, greeks };
});
