import { EventName } from "@stoqey/ib";
import type { PnlValues } from "../client-types.ts";
import type { Handler } from "../request.ts";
import type { AreaSpec } from "./live-area.ts";
import { toPnlValues } from "./rows.ts";

/**
 * Daily, unrealized and realized P&L per managed account, keyed by account, from one reqPnL subscription per
 * account (IB pushes an update about once a second). Fresh once every account has had its first update.
 * Per-position P&L (reqPnLSingle) stays a request: one subscription per position held is not cheap.
 */
export function pnlArea() {
  const byAccount = new Map<string, PnlValues>();
  const spec: AreaSpec = {
    name: "P&L",
    applies: (accounts) => accounts.length > 0,
    reset: () => byAccount.clear(),
    counts: () => ({ accounts: byAccount.size }),
    open(link, accounts, ended, changed) {
      const reqIds = accounts.map(() => link.next.nextReqId);
      const accountOf = new Map(reqIds.map((id, i) => [id, accounts[i] ?? ""]));
      const onPnl = (reqId: number, daily: number, unrealized?: number, realized?: number) => {
        const account = accountOf.get(reqId);
        if (account === undefined) return;
        byAccount.set(account, toPnlValues(daily, unrealized, realized));
        changed();
        if (byAccount.size === accounts.length) ended();
      };
      return {
        events: [[EventName.pnl, onPnl as Handler]],
        reqIds,
        send: () => {
          for (const [id, account] of accountOf) link.raw.reqPnL(id, account, "");
        },
        cancel: () => {
          for (const id of reqIds) link.raw.cancelPnL(id);
        },
      };
    },
  };
  return { spec, of: (account: string): PnlValues | undefined => byAccount.get(account) };
}
