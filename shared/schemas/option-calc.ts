import { z } from "zod";
import { ContractSummary, CurrencyField, ExchangeField, SymbolField, TradingClassField } from "./fields.ts";
import { OptionGreeks } from "./market-data.ts";

/** One option contract, as the option calculators name it (the fields of get_option_chain's rows). */
export const optionContractFields = {
  symbol: SymbolField.describe("Underlying ticker"),
  expiry: z
    .string()
    .regex(/^\d{8}$/, "expiry is a date YYYYMMDD, e.g. 20250117")
    .describe("YYYYMMDD"),
  strike: z.number().positive("strike is a positive price"),
  right: z.enum(["C", "P"]).describe("C call, P put"),
  exchange: ExchangeField.default("SMART"),
  currency: CurrencyField.default("USD"),
  trading_class: TradingClassField.default("").describe("Default: the symbol"),
};

export const UnderlyingPriceField = z.number().positive("underlying_price is a positive price");

/** What IB's calculators return: the option and the model's values. */
export const OptionCalcOutput = z.object({ contract: ContractSummary, greeks: OptionGreeks });
export type OptionCalcOutput = z.infer<typeof OptionCalcOutput>;

/** One line: the option, then each value the model gave. */
export function formatOptionCalc(o: OptionCalcOutput): string {
  const c = o.contract;
  const g = o.greeks;
  const parts = [
    g.modelPrice !== undefined ? `price ${g.modelPrice}` : "",
    g.impliedVol !== undefined ? `IV ${g.impliedVol}` : "",
    g.delta !== undefined ? `delta ${g.delta}` : "",
    g.gamma !== undefined ? `gamma ${g.gamma}` : "",
    g.vega !== undefined ? `vega ${g.vega}` : "",
    g.theta !== undefined ? `theta ${g.theta}` : "",
    g.underlyingPrice !== undefined ? `underlying ${g.underlyingPrice}` : "",
  ];
  const name = `${c.symbol} ${c.lastTradeDateOrContractMonth ?? ""} ${c.strike ?? ""} ${c.right ?? ""}`;
  return `${name.replace(/\s+/g, " ").trim()} (conId ${c.conId}): ${parts.filter(Boolean).join(", ")}`;
}
