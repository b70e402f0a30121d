import { z } from "zod";
import { ContractSummary, instrumentFields } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const lookupContract = readTool({
  name: "lookup_contract",
  title: "Look up contract",
  toolsets: ["contracts", "market", "history", "fundamentals", "news", "options", "orders"],
  description:
    "Resolve a symbol to its IB contracts: conId, exchange, primary exchange, currency, trading class, local symbol. Use it first when a symbol is ambiguous.",
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
