import { getAccountSummary } from "../../shared/tools/get-account-summary.ts";
import { checkAccount } from "./accounts.ts";
import { defineHandler } from "./context.ts";

/** The standard summary tags; $LEDGER-style tags would multiply the answer per currency. */
const TAGS = [
  "AccountType",
  "NetLiquidation",
  "TotalCashValue",
  "SettledCash",
  "AccruedCash",
  "BuyingPower",
  "EquityWithLoanValue",
  "GrossPositionValue",
  "RegTMargin",
  "InitMarginReq",
  "MaintMarginReq",
  "AvailableFunds",
  "ExcessLiquidity",
  "Cushion",
  "Leverage",
].join(",");

export const getAccountSummaryHandler = defineHandler(getAccountSummary, async (args, ctx) => {
  checkAccount(args.account, ctx);
  const accounts = await ctx.ib.accountSummary(TAGS, ctx);
  return { accounts: args.account ? accounts.filter((a) => a.account === args.account) : accounts };
});
