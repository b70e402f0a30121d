import { z } from "zod";
import { AccountField, ContractSummary } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

const PnlValues = {
  dailyPnL: z.number().optional(),
  unrealizedPnL: z.number().optional(),
  realizedPnL: z.number().optional(),
};

export const AccountPnl = z.object({
  account: z.string(),
  ...PnlValues,
  positions: z.array(
    z.object({ contract: ContractSummary, position: z.number(), value: z.number().optional(), ...PnlValues }),
  ),
});

export const getPnl = readTool({
  name: "get_pnl",
  title: "Profit and loss",
  toolsets: ["account"],
  description:
    "Daily, unrealized and realized P&L per account and per position (IB's reqPnL and reqPnLSingle), in the account's base currency.",
  input: z.object({
    account: AccountField.default(""),
    include_positions: z.boolean().default(true).describe("Also each position's P&L"),
  }),
  output: z.object({ accounts: z.array(AccountPnl) }),
  summarize: (o) =>
    o.accounts
      .map((a) =>
        [
          `Account ${a.account}: daily ${a.dailyPnL ?? "n/a"}, unrealized ${a.unrealizedPnL ?? "n/a"}, realized ${a.realizedPnL ?? "n/a"}`,
          ...a.positions.map(
            (p) =>
              `- ${p.position} ${p.contract.localSymbol ?? p.contract.symbol} (conId ${p.contract.conId}): daily ${p.dailyPnL ?? "n/a"}, unrealized ${p.unrealizedPnL ?? "n/a"}, realized ${p.realizedPnL ?? "n/a"}, value ${p.value ?? "n/a"}`,
          ),
        ].join("\n"),
      )
      .join("\n\n") || "No accounts.",
});
