import { IbMcpError } from "../../shared/errors.ts";
import { getHistoricalNews } from "../../shared/tools/get-historical-news.ts";
import { defineHandler } from "./context.ts";

/** "YYYY-MM-DD[ HH:MM[:SS]]" in IB's news format "yyyy-MM-dd HH:mm:ss.0"; a bare end date means its whole day. */
export function toIbNewsTime(date: string, endOfDay: boolean): string {
  const [day, time] = date.split(" ");
  if (time === undefined) return `${day} ${endOfDay ? "23:59:59" : "00:00:00"}.0`;
  return `${day} ${time.length === 5 ? `${time}:00` : time}.0`;
}

export const getHistoricalNewsHandler = defineHandler(getHistoricalNews, async (args, ctx) => {
  const start = toIbNewsTime(args.start_date, false);
  const end = toIbNewsTime(args.end_date, true);
  if (start > end)
    throw new IbMcpError(
      "INVALID_ARGUMENT",
      `start_date ${args.start_date} is after end_date ${args.end_date}`,
    );
  const contract = await ctx.contracts.resolve({ ...args, sec_type: "STK" }, ctx);
  const providerCodes = args.provider_codes || (await ctx.ib.newsProviders(ctx)).join("+");
  if (!providerCodes) return { contract, articles: [] };
  const articles = await ctx.ib.historicalNews(
    contract,
    { providerCodes, start, end, maxCount: args.max_count },
    ctx,
  );
  articles.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  return { contract, articles: articles.slice(0, args.max_count) };
});
