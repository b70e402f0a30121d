import { z } from "zod";
import { AccountField, ContractSummary } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const PortfolioItem = z.object({
  account: z.string(),
  contract: ContractSummary,
  position: z.number(),
  marketPrice: z.number(),
  marketValue: z.number(),
  averageCost: z.number().optional(),
  unrealizedPnL: z.number().optional(),
  realizedPnL: z.number().optional(),
});

export const getPortfolio = readTool({
  name: "get_portfolio",
  title: "Portfolio",
  toolsets: ["account"],
  description:
    "Positions of the managed accounts (or one) valued by IB: market price and value, average cost, unrealized and realized P&L.",
  input: z.object({ account: AccountField.default("") }),
  output: z.object({ items: z.array(PortfolioItem) }),
  summarize: (o) =>
    o.items.length === 0
      ? "No positions."
      : o.items
          .map(
            (p) =>
              `- ${p.account}: ${p.position} ${p.contract.localSymbol ?? p.contract.symbol} (${p.contract.secType}, conId ${p.contract.conId}) at ${p.marketPrice} = ${p.marketValue} ${p.contract.currency}, avg cost ${p.averageCost ?? "n/a"}, unrealized ${p.unrealizedPnL ?? "n/a"}`,
          )
          .join("\n"),
});
