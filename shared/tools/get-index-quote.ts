import { z } from "zod";
import { CurrencyField, ExchangeField, SymbolField } from "../schemas/fields.ts";
import { formatQuoteLine, Quote } from "../schemas/market-data.ts";
import { readTool } from "../tool-def.ts";

export const getIndexQuote = readTool({
  name: "get_index_quote",
  title: "Index quote",
  toolsets: ["market"],
  description:
    "A snapshot of an index (e.g. SPX, XSP, VIX): last value, day range and previous close, saying whether it is live or delayed. Delayed-frozen data by default, which needs no index data subscription.",
  input: z.object({
    symbol: SymbolField.describe("Index symbol or conId (e.g. XSP, SPX)"),
    exchange: ExchangeField.optional().describe(
      "Index exchange (e.g. CBOE for SPX and VIX, NASDAQ for NDX, RUSSELL for RUT); omit it to let IB find it",
    ),
    currency: CurrencyField.default("USD"),
    use_delayed: z
      .boolean()
      .default(true)
      .describe("Use delayed-frozen data (no subscription needed); false asks for live data"),
  }),
  output: z.object({ quote: Quote }),
  summarize: (o) =>
    `${o.quote.contract.symbol} index (conId ${o.quote.contract.conId}, ${o.quote.dataType}): ${formatQuoteLine(o.quote) || "no data"}`,
});
