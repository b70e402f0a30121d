import { getHistogram } from "../../shared/tools/get-histogram.ts";
import { defineHandler } from "./context.ts";

type Unit = "day" | "week" | "month" | "year";

export const getHistogramHandler = defineHandler(getHistogram, async (args, ctx) => {
  const contract = await ctx.contracts.resolve(args, ctx);
  // the schema admits only "<count> <unit>[s]"
  const [count, word] = args.period.toLowerCase().split(" ");
  const period = { count: Number(count), unit: (word ?? "day").replace(/s$/, "") as Unit };
  const key = [
    "histogram",
    contract.conId,
    contract.exchange ?? "",
    period.count,
    period.unit,
    args.use_rth,
  ].join("|");
  const levels = (await ctx.history.get(key, () =>
    ctx.ib.histogram(contract, period, args.use_rth, ctx),
  )) as Array<{ price: number; size: number }>;
  const sorted = [...levels].sort((a, b) => a.price - b.price);
  return {
    contract,
    period: `${period.count} ${period.unit}${period.count === 1 ? "" : "s"}`,
    totalSize: sorted.reduce((s, l) => s + l.size, 0),
    levels: sorted,
  };
});
