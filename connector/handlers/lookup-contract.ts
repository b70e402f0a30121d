import { lookupContract } from "../../shared/tools/lookup-contract.ts";
import { defineHandler } from "./context.ts";

export const lookupContractHandler = defineHandler(lookupContract, async (args, ctx) => {
  const details = await ctx.contracts.details(args, ctx);
  return { symbol: args.symbol, contracts: details.map((d) => d.contract) };
});
