import { z } from "zod";
import {
  formatOptionCalc,
  OptionCalcOutput,
  optionContractFields,
  UnderlyingPriceField,
} from "../schemas/option-calc.ts";
import { readTool } from "../tool-def.ts";

export const calculateOptionPrice = readTool({
  name: "calculate_option_price",
  title: "Option price calculator",
  toolsets: ["options"],
  description:
    "IB's model price and greeks (delta, gamma, vega, theta) of one option at a volatility and underlying price you choose: what-if pricing.",
  input: z.object({
    ...optionContractFields,
    volatility: z
      .number()
      .positive("volatility is positive")
      .max(5, "volatility is a fraction (0.25 = 25%), at most 5")
      .describe("Annual volatility as a fraction, e.g. 0.25 for 25%"),
    underlying_price: UnderlyingPriceField,
  }),
  output: OptionCalcOutput,
  summarize: formatOptionCalc,
});
