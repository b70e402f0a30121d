import { getContractDetails } from "../../shared/tools/get-contract-details.ts";
import { defineHandler } from "./context.ts";

export const getContractDetailsHandler = defineHandler(getContractDetails, async (args, ctx) => ({
  symbol: args.symbol,
  details: await ctx.contracts.details(args, ctx),
}));
