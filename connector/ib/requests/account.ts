import type { CommissionReport } from "@stoqey/ib";
import type { IbClient, SessionState } from "../client-types.ts";
import { compact, ibNumber } from "../convert.ts";
import { type Call, firstValue, general } from "../request.ts";
import { toExecution, toPnlValues, toPositionRow } from "../state/rows.ts";
import { accountUpdatesDownloader } from "./account-updates.ts";

/**
 * The account's balances, positions, P&L and executions (open orders: open-orders.ts). Positions, portfolio, account values and
 * account P&L come from the session state when it covers them (it waits for a re-sync within the caller's
 * deadline); else, or with the state off, from a request to IB.
 */
export function accountRequests(
  call: Call,
  state: SessionState,
): Pick<
  IbClient,
  "accountSummary" | "positions" | "pnl" | "pnlSingle" | "portfolio" | "accountValues" | "executions"
> {
  const download = accountUpdatesDownloader(call);

  return {
    async accountSummary(tags, scope) {
      const fromState = await state.accountSummary(tags, scope);
      if (fromState) return fromState;
      return call("account summary", general, scope, (link) =>
        firstValue(link.next.getAccountSummary("All", tags), scope).then((update) =>
          [...update.all].map(([account, byTag]) => ({
            account,
            values: [...byTag].flatMap(([tag, byCurrency]) =>
              [...byCurrency].map(([currency, v]) => ({ tag, value: v.value, currency })),
            ),
          })),
        ),
      );
    },

    async positions(scope) {
      return (
        (await state.positions(scope)) ??
        call("positions", general, scope, (link) =>
          firstValue(link.next.getPositions(), scope).then((update) =>
            [...update.all].flatMap(([account, list]) =>
              list.map((p) => toPositionRow(account, p.contract, p.pos, p.avgCost)),
            ),
          ),
        )
      );
    },

    async pnl(account, scope) {
      return (
        (await state.pnl(account, scope)) ??
        call(`P&L of ${account}`, general, scope, async (link) => {
          const p = await firstValue(link.next.getPnL(account), scope);
          return toPnlValues(p.dailyPnL, p.unrealizedPnL, p.realizedPnL);
        })
      );
    },

    pnlSingle(account, conId, scope) {
      return call(`P&L of conId ${conId} in ${account}`, general, scope, async (link) => {
        const p = await firstValue(link.next.getPnLSingle(account, "", conId), scope);
        return compact({
          position: ibNumber(p.position),
          dailyPnL: ibNumber(p.dailyPnL),
          unrealizedPnL: ibNumber(p.unrealizedPnL),
          realizedPnL: ibNumber(p.realizedPnL),
          value: ibNumber(p.marketValue),
        });
      });
    },

    async portfolio(account, scope) {
      return (await state.portfolio(account, scope)) ?? download(account, scope).then((d) => d.items);
    },

    async accountValues(account, scope) {
      return (await state.accountValues(account, scope)) ?? download(account, scope).then((d) => d.values);
    },

    async executions(scope) {
      const fromState = await state.executions(scope);
      if (fromState) return fromState;
      return call("executions", general, scope, async (link) => {
        const details = await link.next.getExecutionDetails({});
        // a second reqExecutions: IBApiNext collects commission reports only in their own request
        const reports = await link.next.getCommissionReport({});
        const byExecId = new Map<string, CommissionReport>(reports.map((r) => [r.execId ?? "", r]));
        return details.map(({ contract, execution }) =>
          toExecution(contract, execution, byExecId.get(execution.execId ?? "")),
        );
      });
    },
  };
}
