import { z } from "zod";
import {
  ContractSummary,
  CurrencyField,
  ExchangeField,
  SecType,
  SymbolField,
  TradingClassField,
} from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const OptionChain = z.object({
  exchange: z.string(),
  tradingClass: z.string(),
  multiplier: z.string(),
  expirations: z.array(z.string()).describe("YYYYMMDD, ascending"),
  strikes: z.array(z.number()).describe("This page of strikes within the bounds, ascending"),
  totalStrikes: z.number().int().describe("Strikes within the bounds before paging"),
});

export const getOptionChain = readTool({
  name: "get_option_chain",
  title: "Option chain",
  toolsets: ["options"],
  description:
    "Expiries and strikes of the options on an underlying, one chain per exchange and trading class; strikes bounded by min_strike/max_strike and paged by max_strikes/strike_offset. Prices and greeks: get_option_quotes.",
  input: z.object({
    symbol: SymbolField.describe("Underlying ticker or conId"),
    sec_type: SecType.optional().describe(
      "Underlying's; omit: the index IB lists under the symbol, else the stock",
    ),
    exchange: ExchangeField.optional().describe("Underlying's (CBOE for SPX); omit: IB finds it"),
    currency: CurrencyField.default("USD"),
    trading_class: TradingClassField.default("").describe("Only this class (SPXW); empty for all"),
    min_strike: z.number().min(0).default(0).describe("0: no bound"),
    max_strike: z.number().min(0).default(0).describe("0: no bound"),
    max_strikes: z.number().int().min(1).max(500).default(20).describe("Strikes per page"),
    strike_offset: z.number().int().min(0).default(0).describe("Strikes to skip (paging)"),
  }),
  output: z.object({ underlying: ContractSummary, chains: z.array(OptionChain) }),
  summarize: (o) =>
    o.chains.length === 0
      ? `No option chains for ${o.underlying.symbol} (conId ${o.underlying.conId}).`
      : o.chains
          .map(
            (c) =>
              `${o.underlying.symbol} options on ${c.exchange}, class ${c.tradingClass}, multiplier ${c.multiplier}\n- Expirations (${c.expirations.length}): ${c.expirations.join(", ")}\n- Strikes (${c.strikes.length} of ${c.totalStrikes}): ${c.strikes.join(", ")}`,
          )
          .join("\n\n"),
});
