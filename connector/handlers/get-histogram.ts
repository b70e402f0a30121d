import { IbMcpError } from "../../shared/errors.ts";
import { getHistogram } from "../../shared/tools/get-histogram.ts";
import { defineHandler } from "./context.ts";

type Unit = "day" | "week" | "month" | "year";

export const getHistogramHandler = defineHandler(getHistogram, async (args, ctx) => {
  const m = /^([1-9]\d{0,2}) (day|week|month|year)s?$/.exec(args.period.toLowerCase());
  if (!m) throw new IbMcpError("INVALID_ARGUMENT", 'period is "<count> <unit>", e.g. "3 days" or "1 week"');
  const period = { count: Number(m[1]), unit: m[2] as Unit };
  const contract = await ctx.contracts.resolve(args, ctx);
  const key = [
    "histogram",
    contract.conId,
    contract.exchange ?? "",
    period.count,
    period.unit,
    args.use_rth,
  ].join("|");
  const levels = (await ctx.history.get(key, ctx, (run) =>
    ctx.ib.histogram(contract, period, args.use_rth, run),
  )) as Array<{ price: number; size: number }>;
  const sorted = [...levels].sort((a, b) => a.price - b.price);
  return {
    contract,
    period: `${period.count} ${period.unit}${period.count === 1 ? "" : "s"}`,
    totalSize: sorted.reduce((s, l) => s + l.size, 0),
    levels: sorted,
  };
});
