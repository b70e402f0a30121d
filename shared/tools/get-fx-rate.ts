import { z } from "zod";
import { CurrencyField } from "../schemas/fields.ts";
import { DataType, MarketDataTypeField } from "../schemas/market-data.ts";
import { readTool } from "../tool-def.ts";

export const getFxRate = readTool({
  name: "get_fx_rate",
  title: "FX rate",
  toolsets: ["balances"],
  description:
    "Converts an amount between currencies at IB's rate: the IDEALPRO pair's midpoint in either direction (EUR→USD uses EUR.USD, USD→EUR its inverse), crosses through USD. Lists the pairs used.",
  input: z.object({
    from: CurrencyField,
    to: CurrencyField,
    amount: z.number().positive("amount must be positive").finite().default(1),
    market_data_type: MarketDataTypeField,
  }),
  output: z.object({
    from: z.string(),
    to: z.string(),
    amount: z.number(),
    rate: z.number().describe("Units of `to` per one `from`"),
    converted: z.number(),
    legs: z.array(
      z.object({
        pair: z.string().describe("IB's pair, e.g. EUR.USD"),
        conId: z.number(),
        bid: z.number().optional(),
        ask: z.number().optional(),
        mid: z.number(),
        inverted: z.boolean().describe("true when the rate is 1 / mid"),
        dataType: DataType,
      }),
    ),
  }),
  summarize: (o) =>
    `${o.amount} ${o.from} = ${o.converted} ${o.to} (rate ${o.rate}${o.legs.length ? `; ${o.legs.map((l) => `${l.inverted ? "1/" : ""}${l.pair} mid ${l.mid}`).join(", ")}` : ""})`,
});
