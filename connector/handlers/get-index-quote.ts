import { getIndexQuote } from "../../shared/tools/get-index-quote.ts";
import { defineHandler } from "./context.ts";
import { snapshotOf, toQuote } from "./market-data.ts";

export const getIndexQuoteHandler = defineHandler(getIndexQuote, async (args, ctx) => {
  const contract = await ctx.contracts.resolve({ ...args, sec_type: "IND" }, ctx);
  const snapshot = await snapshotOf(contract, args.use_delayed ? "delayed-frozen" : "auto", ctx);
  return { quote: toQuote(contract, snapshot) };
});
