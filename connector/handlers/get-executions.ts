import { getExecutions } from "../../shared/tools/get-executions.ts";
import { checkAccount } from "./accounts.ts";
import { defineHandler } from "./context.ts";

export const getExecutionsHandler = defineHandler(getExecutions, async (args, ctx) => {
  checkAccount(args.account, ctx);
  const symbol = args.symbol?.trim().toUpperCase();
  const executions = (await ctx.ib.executions(ctx)).filter(
    (e) =>
      (!args.account || e.account === args.account) &&
      (!symbol || e.contract.symbol.toUpperCase() === symbol || String(e.contract.conId) === symbol),
  );
  return { executions: executions.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)) };
});
