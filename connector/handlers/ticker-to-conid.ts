import { IbMcpError } from "../../shared/errors.ts";
import { tickerToConid } from "../../shared/tools/ticker-to-conid.ts";
import { describeInstrument } from "../contracts.ts";
import { defineHandler } from "./context.ts";

export const tickerToConidHandler = defineHandler(tickerToConid, async (args, ctx) => {
  const details = await ctx.contracts.details(args, ctx);
  const first = details[0];
  if (!first) throw new IbMcpError("NOT_FOUND", `No security definition for ${describeInstrument(args)}`);
  return {
    symbol: args.symbol,
    conId: first.contract.conId,
    matches: details.map(({ contract: c }) => ({
      conId: c.conId,
      secType: c.secType,
      exchange: c.exchange ?? c.primaryExchange ?? "",
      currency: c.currency,
    })),
  };
});
