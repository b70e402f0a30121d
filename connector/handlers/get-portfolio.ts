import { getPortfolio } from "../../shared/tools/get-portfolio.ts";
import type { PortfolioItem } from "../ib/client.ts";
import { checkAccount, managedAccounts } from "./accounts.ts";
import { defineHandler } from "./context.ts";

export const getPortfolioHandler = defineHandler(getPortfolio, async (args, ctx) => {
  checkAccount(args.account, ctx);
  const accounts = args.account ? [args.account] : managedAccounts(ctx);
  const items: PortfolioItem[] = [];
  // IB streams one account at a time, so asking in parallel would only queue in the client
  for (const account of accounts) items.push(...(await ctx.ib.portfolio(account, ctx)));
  return { items };
});
