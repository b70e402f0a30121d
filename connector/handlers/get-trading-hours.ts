import { IbMcpError } from "../../shared/errors.ts";
import { getTradingHours } from "../../shared/tools/get-trading-hours.ts";
import { describeInstrument } from "../contracts.ts";
import { parseTradingHours } from "../ib/convert.ts";
import { defineHandler } from "./context.ts";

export const getTradingHoursHandler = defineHandler(getTradingHours, async (args, ctx) => {
  const [first] = await ctx.contracts.details(args, ctx);
  if (!first) throw new IbMcpError("NOT_FOUND", `No security definition for ${describeInstrument(args)}`);
  const out = {
    contract: first.contract,
    tradingHours: parseTradingHours(first.tradingHours),
    liquidHours: parseTradingHours(first.liquidHours),
  };
  return first.timeZoneId ? { ...out, timeZoneId: first.timeZoneId } : out;
});
