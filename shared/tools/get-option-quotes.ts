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
    "Quotes and model greeks (IV, delta, gamma, theta, vega) for up to 20 strikes of one expiry and right (duplicates ignored). Delayed-frozen data by default (no OPRA subscription needed). Expiries and strikes come from get_option_chain.",
  input: z.object({
    symbol: SymbolField.describe("Underlying symbol (e.g. XSP, AAPL)"),
    expiry: z
      .string()
      .regex(/^\d{8}$/, "expiry is a date YYYYMMDD, e.g. 20250117")
      .describe("Expiration date, YYYYMMDD"),
    right: z.enum(["C", "P"]).describe("Option right: C (call) or P (put)"),
    strikes: z
      .array(z.number().positive("strikes are positive prices"))
      .min(1, "give at least one strike")
      .max(20, "at most 20 strikes per call; split larger lists")
      .describe("Strike prices (1-20)"),
    exchange: ExchangeField.default("SMART").describe("Option exchange (e.g. SMART)"),
    currency: CurrencyField.default("USD"),
    trading_class: TradingClassField.default("").describe("Option trading class (defaults to the symbol)"),
    use_delayed: z
      .boolean()
      .default(true)
      .describe("Use delayed-frozen data (no OPRA needed); false asks for live data"),
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
