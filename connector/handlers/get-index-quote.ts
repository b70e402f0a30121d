import { getIndexQuote } from "../../shared/tools/get-index-quote.ts";
import { defineHandler } from "./context.ts";
import { snapshotOf, toQuote } from "./market-data.ts";
import { resolveGuessing } from "./underlying.ts";

export const getIndexQuoteHandler = defineHandler(getIndexQuote, async (args, ctx) => {
  const contract = await resolveGuessing({ ...args, sec_type: "IND" }, ctx);
  const snapshot = await snapshotOf(contract, args.use_delayed ? "delayed-frozen" : "auto", ctx);
  return { quote: toQuote(contract, snapshot) };
});
