import { IbMcpError } from "../../shared/errors.ts";
import { getOptionQuotes } from "../../shared/tools/get-option-quotes.ts";
import { defineHandler } from "./context.ts";
import { settleAll, snapshotOf, toQuote } from "./market-data.ts";

export const getOptionQuotesHandler = defineHandler(getOptionQuotes, async (args, ctx) => {
  const symbol = args.symbol.trim().toUpperCase();
  const strikes = [...new Set(args.strikes)].sort((a, b) => a - b);
  const { results, failures } = await settleAll(
    strikes,
    (k) => `${symbol} ${args.expiry} ${k} ${args.right}`,
    async (strike) => {
      const subject = `${symbol} ${args.expiry} ${strike} ${args.right} option`;
      const [first] = await ctx.ib.contractDetails(
        {
          symbol,
          secType: "OPT",
          exchange: args.exchange,
          currency: args.currency,
          lastTradeDateOrContractMonth: args.expiry,
          strike,
          right: args.right,
          tradingClass: args.trading_class,
        },
        subject,
        ctx,
      );
      if (!first)
        throw new IbMcpError(
          "NOT_FOUND",
          `No ${subject}; get_option_chain lists the expiries and strikes that exist`,
        );
      // IB has no one-shot snapshots of delayed option data: a brief stream, cancelled once complete
      const snapshot = await snapshotOf(
        first.contract,
        args.use_delayed ? "delayed-frozen" : "auto",
        ctx,
        "stream",
      );
      return { ...toQuote(first.contract, snapshot), strike, greeks: snapshot.greeks ?? {} };
    },
    ctx.signal,
  );
  return { symbol, expiry: args.expiry, right: args.right, quotes: results, failures };
});
