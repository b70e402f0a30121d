import { getAccountValues } from "../../shared/tools/get-account-values.ts";
import type { AccountValue } from "../ib/client.ts";
import { checkAccount, managedAccounts } from "./accounts.ts";
import { defineHandler } from "./context.ts";

export const getAccountValuesHandler = defineHandler(getAccountValues, async (args, ctx) => {
  checkAccount(args.account, ctx);
  const prefix = args.tag_prefix.toLowerCase();
  const keep = (v: AccountValue) =>
    v.tag.toLowerCase().startsWith(prefix) && (args.currency === undefined || v.currency === args.currency);
  const accounts = [];
  // IB streams one account's values at a time, so asking in parallel would only queue in the client
  for (const account of args.account ? [args.account] : managedAccounts(ctx))
    accounts.push({ account, values: (await ctx.ib.accountValues(account, ctx)).filter(keep) });
  return { accounts };
});
