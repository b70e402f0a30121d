import { z } from "zod";
import { ContractSummary, instrumentFields, ProviderCodesField } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

const DateField = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/,
    "dates are YYYY-MM-DD, optionally followed by HH:MM[:SS]",
  )
  .describe("YYYY-MM-DD");

export const getHistoricalNews = readTool({
  name: "get_historical_news",
  title: "Historical news headlines",
  toolsets: ["news"],
  description:
    "News headlines for one instrument between two dates, newest first, with the article id and provider code that get_article takes.",
  input: z.object({
    symbol: instrumentFields.symbol,
    start_date: DateField,
    end_date: DateField,
    max_count: z.number().int().min(1).max(300).default(10),
    exchange: instrumentFields.exchange,
    currency: instrumentFields.currency,
    provider_codes: ProviderCodesField.default("").describe("Joined by '+', e.g. BRFG+DJNL; empty for all"),
  }),
  output: z.object({
    contract: ContractSummary,
    articles: z.array(
      z.object({ time: z.string(), providerCode: z.string(), articleId: z.string(), headline: z.string() }),
    ),
  }),
  summarize: (o) =>
    o.articles.length === 0
      ? `No news for ${o.contract.symbol} in that period.`
      : `News for ${o.contract.symbol} (conId ${o.contract.conId}):\n${o.articles
          .map((a) => `- ${a.time} [${a.providerCode} ${a.articleId}] ${a.headline}`)
          .join("\n")}`,
});
