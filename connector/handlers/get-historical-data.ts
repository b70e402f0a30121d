import type { Bar } from "../../shared/schemas/history.ts";
import { getHistoricalData } from "../../shared/tools/get-historical-data.ts";
import { defineHandler } from "./context.ts";

export const getHistoricalDataHandler = defineHandler(getHistoricalData, async (args, ctx) => {
  const contract = await ctx.contracts.resolve(args, ctx);
  const req = {
    duration: args.duration,
    barSize: args.bar_size,
    whatToShow: args.data_type,
    useRth: args.use_rth,
  };
  // max_bars is not part of the key: IB sees the same request whatever slice the caller keeps
  const key = [
    contract.conId,
    contract.exchange ?? "",
    req.duration,
    req.barSize,
    req.whatToShow,
    req.useRth,
  ].join("|");
  const bars = (await ctx.history.get(key, ctx, (run) => ctx.ib.historicalBars(contract, req, run))) as Bar[];
  return {
    contract,
    duration: args.duration,
    barSize: args.bar_size,
    dataType: args.data_type,
    totalBars: bars.length,
    bars: bars.slice(-args.max_bars),
  };
});
