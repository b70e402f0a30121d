import { IbMcpError } from "../../shared/errors.ts";
import type { HandlerContext } from "./context.ts";

/** Checks that `account` (empty: all) is one the session manages; NOT_FOUND listing the managed ones otherwise. */
export function checkAccount(account: string, ctx: HandlerContext): void {
  if (account === "") return;
  const managed = ctx.session.status().accounts;
  if (managed.length > 0 && !managed.includes(account))
    throw new IbMcpError(
      "NOT_FOUND",
      `account ${account} is not managed by this connection; managed accounts: ${managed.join(", ")}`,
    );
}

/** The accounts this connection manages, for tools that ask IB one account at a time. */
export function managedAccounts(ctx: HandlerContext): string[] {
  return ctx.session.status().accounts;
}
