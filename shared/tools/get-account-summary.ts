import { z } from "zod";
import { AccountField } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const getAccountSummary = readTool({
  name: "get_account_summary",
  title: "Account summary",
  toolsets: ["account"],
  description:
    "Balances and margin of the managed accounts: NetLiquidation, TotalCashValue, BuyingPower, AvailableFunds, ExcessLiquidity, GrossPositionValue and IB's other summary tags.",
  input: z.object({ account: AccountField.default("") }),
  output: z.object({
    accounts: z.array(
      z.object({
        account: z.string(),
        values: z.array(z.object({ tag: z.string(), value: z.string(), currency: z.string() })),
      }),
    ),
  }),
  summarize: (o) =>
    o.accounts.length === 0
      ? "No account data."
      : o.accounts
          .map(
            (a) =>
              `Account ${a.account}:\n${a.values.map((v) => `- ${v.tag}: ${v.value}${v.currency ? ` ${v.currency}` : ""}`).join("\n")}`,
          )
          .join("\n\n"),
});
