import { z } from "zod";
import { CurrencyField, ExchangeField, SecType, SymbolField } from "../schemas/fields.ts";
import { formatQuoteLine, MarketDataTypeField, Quote, QuoteFailure } from "../schemas/market-data.ts";
import { readTool } from "../tool-def.ts";

export const getQuote = readTool({
  name: "get_quote",
  title: "Quotes",
  toolsets: ["market"],
  description:
    "Snapshot quotes for 1-50 symbols: bid, ask, last with sizes, volume, day range, previous close, and whether the data is live, frozen or delayed (auto falls back to delayed without a subscription). Failed symbols come under failures.",
  input: z.object({
    symbols: z
      .array(SymbolField)
      .min(1, "give at least one symbol")
      .max(50, "at most 50 symbols per call; split larger lists")
      .describe("Tickers or conIds"),
    sec_type: SecType.optional().describe(
      "For every symbol; omit: the index IB lists under it, else the stock, coin or future; EUR.USD is forex",
    ),
    exchange: ExchangeField.optional().describe("Omit for SMART or IB's choice"),
    currency: CurrencyField.default("USD"),
    market_data_type: MarketDataTypeField,
  }),
  output: z.object({ quotes: z.array(Quote), failures: z.array(QuoteFailure) }),
  summarize: (o) =>
    [
      ...o.quotes.map(
        (q) =>
          `${q.contract.symbol} (conId ${q.contract.conId}, ${q.dataType}): ${formatQuoteLine(q) || "no data"}`,
      ),
      ...o.failures.map((f) => `${f.symbol}: ${f.code} ${f.message}`),
    ].join("\n"),
});
