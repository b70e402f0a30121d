import { IbMcpError } from "../../shared/errors.ts";
import { getAccountValues } from "../../shared/tools/get-account-values.ts";
import { checkAccount, managedAccounts } from "./accounts.ts";
import { defineHandler } from "./context.ts";

export const getAccountValuesHandler = defineHandler(getAccountValues, async (args, ctx) => {
  checkAccount(args.account, ctx);
  // IB streams one account's values at a time: empty means the first managed account
  const account = args.account || managedAccounts(ctx)[0];
  if (!account)
    throw new IbMcpError("NOT_FOUND", "this connection manages no account; give account explicitly");
  const prefix = args.tag_prefix.toLowerCase();
  const values = (await ctx.ib.accountValues(account, ctx)).filter(
    (v) =>
      v.tag.toLowerCase().startsWith(prefix) && (args.currency === undefined || v.currency === args.currency),
  );
  return { account, values };
});
