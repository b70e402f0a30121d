import { z } from "zod";
import { CurrencyField, ExchangeField, SymbolField } from "../schemas/fields.ts";
import { formatQuoteLine, Quote } from "../schemas/market-data.ts";
import { readTool } from "../tool-def.ts";

export const getIndexQuote = readTool({
  name: "get_index_quote",
  title: "Index quote",
  toolsets: ["market"],
  description:
    "Snapshot of an index (SPX, XSP, VIX): last value, day range, previous close, live or delayed. Delayed-frozen by default: no index subscription needed.",
  input: z.object({
    symbol: SymbolField.describe("Index (XSP, SPX) or conId"),
    exchange: ExchangeField.optional().describe(
      "CBOE (SPX, VIX), NASDAQ (NDX), RUSSELL (RUT); omit: IB finds it",
    ),
    currency: CurrencyField.default("USD"),
    use_delayed: z.boolean().default(true).describe("Delayed-frozen, no subscription needed; false: live"),
  }),
  output: z.object({ quote: Quote }),
  summarize: (o) =>
    `${o.quote.contract.symbol} index (conId ${o.quote.contract.conId}, ${o.quote.dataType}): ${formatQuoteLine(o.quote) || "no data"}`,
});
