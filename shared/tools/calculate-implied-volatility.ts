import { z } from "zod";
import {
  formatOptionCalc,
  OptionCalcOutput,
  optionContractFields,
  UnderlyingPriceField,
} from "../schemas/option-calc.ts";
import { readTool } from "../tool-def.ts";

export const calculateImpliedVolatility = readTool({
  name: "calculate_implied_volatility",
  title: "Implied volatility calculator",
  toolsets: ["options"],
  description:
    "IB's implied volatility and greeks of one option at an option price and underlying price you choose. A price no volatility explains (e.g. below intrinsic value) is refused.",
  input: z.object({
    ...optionContractFields,
    option_price: z.number().positive("option_price is a positive price"),
    underlying_price: UnderlyingPriceField,
  }),
  output: OptionCalcOutput,
  summarize: formatOptionCalc,
});
