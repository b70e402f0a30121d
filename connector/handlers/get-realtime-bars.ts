import { getRealtimeBars } from "../../shared/tools/get-realtime-bars.ts";
import { defineHandler } from "./context.ts";

export const getRealtimeBarsHandler = defineHandler(getRealtimeBars, async (args, ctx) => {
  const contract = await ctx.contracts.resolve(args, ctx);
  const bars = await ctx.ib.realtimeBars(
    contract,
    {
      whatToShow: args.data_type,
      useRth: args.use_rth,
      count: args.bars,
      untilMs: Date.now() + args.max_seconds * 1000,
    },
    ctx,
  );
  return {
    contract,
    dataType: args.data_type,
    complete: bars.length >= args.bars,
    bars: bars.map((b) => ({ ...b, time: new Date(b.time * 1000).toISOString() })),
  };
});
