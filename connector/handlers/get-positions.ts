import { getPositions } from "../../shared/tools/get-positions.ts";
import { checkAccount } from "./accounts.ts";
import { defineHandler } from "./context.ts";

export const getPositionsHandler = defineHandler(getPositions, async (args, ctx) => {
  checkAccount(args.account, ctx);
  const positions = await ctx.ib.positions(ctx);
  return { positions: args.account ? positions.filter((p) => p.account === args.account) : positions };
});
