import { z } from "zod";
import { AccountField, ContractSummary, SymbolField } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const Execution = z.object({
  execId: z.string(),
  orderId: z.number().int(),
  permId: z.number().int().optional(),
  account: z.string(),
  contract: ContractSummary,
  time: z.string(),
  side: z.string().describe("BOT or SLD"),
  shares: z.number(),
  price: z.number(),
  exchange: z.string().optional(),
  commission: z.number().optional(),
  commissionCurrency: z.string().optional(),
  realizedPnL: z.number().optional(),
});

export const getExecutions = readTool({
  name: "get_executions",
  title: "Executions",
  toolsets: ["orders"],
  description:
    "Today's fills (IB keeps them since midnight): time, side, shares, price, exchange, commission, realized P&L; optionally for one account or symbol.",
  input: z.object({
    account: AccountField.default(""),
    symbol: SymbolField.optional().describe("Only this symbol's fills"),
  }),
  output: z.object({ executions: z.array(Execution) }),
  summarize: (o) =>
    o.executions.length === 0
      ? "No executions today."
      : o.executions
          .map(
            (e) =>
              `- ${e.time} ${e.side} ${e.shares} ${e.contract.localSymbol ?? e.contract.symbol} @ ${e.price} (order ${e.orderId}, ${e.account})${e.commission !== undefined ? `, commission ${e.commission} ${e.commissionCurrency ?? ""}`.trimEnd() : ""}`,
          )
          .join("\n"),
});
