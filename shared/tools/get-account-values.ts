import { z } from "zod";
import { AccountField } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const getAccountValues = readTool({
  name: "get_account_values",
  title: "Account values",
  toolsets: ["balances"],
  description:
    "Every account value IB keeps, per account and currency (cash per currency, margin, P&L, FX rates; BASE is the base currency): more than get_account_summary.",
  input: z.object({
    account: AccountField.default(""),
    tag_prefix: z
      .string()
      .max(64, "tag_prefix is at most 64 characters")
      .regex(/^[A-Za-z0-9_$-]*$/, "tag_prefix is the start of an IB tag such as Cash or NetLiquidation")
      .default("")
      .describe('Only tags starting with this, any case ("Cash", "Margin")'),
    currency: z
      .string()
      .regex(/^([A-Za-z]{3}|BASE|base)$/, "currency is a three-letter code such as USD, or BASE")
      .toUpperCase()
      .optional()
      .describe("Only this currency, or BASE"),
  }),
  output: z.object({
    accounts: z.array(
      z.object({
        account: z.string(),
        values: z.array(z.object({ tag: z.string(), value: z.string(), currency: z.string() })),
      }),
    ),
  }),
  summarize: (o) =>
    o.accounts
      .map((a) =>
        a.values.length === 0
          ? `No matching values for ${a.account}.`
          : `Account ${a.account}:\n${a.values.map((v) => `- ${v.tag}: ${v.value}${v.currency ? ` ${v.currency}` : ""}`).join("\n")}`,
      )
      .join("\n\n") || "No account data.",
});
