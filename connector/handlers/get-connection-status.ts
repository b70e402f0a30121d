import { getConnectionStatus } from "../../shared/tools/get-connection-status.ts";
import { defineHandler } from "./context.ts";

export const getConnectionStatusHandler = defineHandler(getConnectionStatus, async (_args, ctx) => ({
  mode: ctx.mode,
  readOnly: ctx.readOnly,
  ...ctx.session.status(),
  ...(ctx.ib.state.enabled ? { sessionState: ctx.ib.state.status() } : {}),
  ...(ctx.trading ? { trading: await ctx.trading.status() } : {}),
}));
