import { setMaxListeners } from "node:events";
import { getPnl } from "../../shared/tools/get-pnl.ts";
import { checkAccount, managedAccounts } from "./accounts.ts";
import { defineHandler } from "./context.ts";

export const getPnlHandler = defineHandler(getPnl, async (args, ctx) => {
  checkAccount(args.account, ctx);
  const accounts = args.account ? [args.account] : managedAccounts(ctx);
  const positions = args.include_positions ? await ctx.ib.positions(ctx) : [];
  // one P&L subscription per position, each listening to this call's deadline: many listeners are expected
  setMaxListeners(Math.max(10, (positions.length + accounts.length) * 8), ctx.signal);
  return {
    accounts: await Promise.all(
      accounts.map(async (account) => {
        const mine = positions.filter((p) => p.account === account && p.position !== 0);
        const [total, singles] = await Promise.all([
          ctx.ib.pnl(account, ctx),
          Promise.all(mine.map((p) => ctx.ib.pnlSingle(account, p.contract.conId, ctx))),
        ]);
        return {
          account,
          ...total,
          positions: mine.map((p, i) => ({ ...singles[i], contract: p.contract, position: p.position })),
        };
      }),
    ),
  };
});
