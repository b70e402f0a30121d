import { searchContracts } from "../../shared/tools/search-contracts.ts";
import { defineHandler } from "./context.ts";

/** IB answers at most 16 matches; more would only be noise for an agent. */
const MAX_MATCHES = 16;

export const searchContractsHandler = defineHandler(searchContracts, async (args, ctx) => {
  const matches = await ctx.ib.matchingSymbols(args.pattern, ctx);
  return { pattern: args.pattern, matches: matches.slice(0, MAX_MATCHES) };
});
