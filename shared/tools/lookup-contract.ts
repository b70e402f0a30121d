import { z } from "zod";
import { ContractSummary, instrumentFields } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const lookupContract = readTool({
  name: "lookup_contract",
  title: "Look up contract",
  description:
    "Resolve a ticker symbol (with optional security type, exchange and currency) to the IB contracts it names: conId, exchange, primary exchange, currency, trading class, local symbol. Use it before other tools when a symbol is ambiguous.",
  input: z.object(instrumentFields),
  output: z.object({ symbol: z.string(), contracts: z.array(ContractSummary) }),
  summarize: (o) =>
    `${o.contracts.length} contract(s) for ${o.symbol}:\n` +
    o.contracts
      .map(
        (c) =>
          `- ${c.symbol} ${c.secType} conId ${c.conId} on ${c.exchange ?? ""}${c.primaryExchange ? `/${c.primaryExchange}` : ""} (${c.currency})${c.localSymbol && c.localSymbol !== c.symbol ? ` ${c.localSymbol}` : ""}`,
      )
      .join("\n"),
});
