import { getQuote } from "../../shared/tools/get-quote.ts";
import { defineHandler } from "./context.ts";
import { settleAll, snapshotOf, toQuote } from "./market-data.ts";
import { resolveGuessing } from "./underlying.ts";

export const getQuoteHandler = defineHandler(getQuote, async (args, ctx) => {
  // one line per instrument: the same symbol twice would only ask IB twice
  const symbols = [...new Set(args.symbols.map((s) => s.trim().toUpperCase()))];
  const { results, failures } = await settleAll(
    symbols,
    (s) => s,
    async (symbol) => {
      const contract = await resolveGuessing({ ...args, symbol }, ctx, true);
      return toQuote(contract, await snapshotOf(contract, args.market_data_type, ctx));
    },
    ctx.signal,
  );
  return { quotes: results, failures };
});
