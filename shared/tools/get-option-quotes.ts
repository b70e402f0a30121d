import { z } from "zod";
import { CurrencyField, ExchangeField, SymbolField, TradingClassField } from "../schemas/fields.ts";
import { formatQuoteLine, OptionGreeks, Quote, QuoteFailure } from "../schemas/market-data.ts";
import { readTool } from "../tool-def.ts";

export const OptionQuote = Quote.extend({ strike: z.number(), greeks: OptionGreeks });

export const getOptionQuotes = readTool({
  name: "get_option_quotes",
  title: "Option quotes",
  toolsets: ["options"],
  description:
    "Quotes and model greeks (IV, delta, gamma, theta, vega) for up to 20 strikes of one expiry and right. Delayed-frozen by default (no OPRA subscription needed). Expiries and strikes: get_option_chain.",
  input: z.object({
    symbol: SymbolField.describe("Underlying ticker"),
    expiry: z
      .string()
      .regex(/^\d{8}$/, "expiry is a date YYYYMMDD, e.g. 20250117")
      .describe("YYYYMMDD"),
    right: z.enum(["C", "P"]).describe("C call, P put"),
    strikes: z
      .array(z.number().positive("strikes are positive prices"))
      .min(1, "give at least one strike")
      .max(20, "at most 20 strikes per call; split larger lists"),
    exchange: ExchangeField.default("SMART"),
    currency: CurrencyField.default("USD"),
    trading_class: TradingClassField.default("").describe("Default: the symbol"),
    use_delayed: z.boolean().default(true).describe("Delayed-frozen, no OPRA needed; false: live"),
  }),
  output: z.object({
    symbol: z.string(),
    expiry: z.string(),
    right: z.enum(["C", "P"]),
    quotes: z.array(OptionQuote),
    failures: z.array(QuoteFailure),
  }),
  summarize: (o) =>
    [
      `${o.symbol} ${o.expiry} ${o.right === "C" ? "calls" : "puts"}:`,
      ...o.quotes.map((q) => {
        const g = q.greeks;
        const greeks = [
          g.impliedVol !== undefined ? `IV ${g.impliedVol}` : "",
          g.delta !== undefined ? `delta ${g.delta}` : "",
          g.gamma !== undefined ? `gamma ${g.gamma}` : "",
          g.theta !== undefined ? `theta ${g.theta}` : "",
          g.vega !== undefined ? `vega ${g.vega}` : "",
        ]
          .filter(Boolean)
          .join(", ");
        return `- ${q.strike} (${q.dataType}): ${formatQuoteLine(q) || "no quote"}${greeks ? `; ${greeks}` : ""}`;
      }),
      ...o.failures.map((f) => `- ${f.symbol}: ${f.code} ${f.message}`),
    ].join("\n"),
});
