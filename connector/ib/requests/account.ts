import { type CommissionReport, type Contract, EventName } from "@stoqey/ib";
import type { AccountValue, IbClient, PortfolioItem } from "../client.ts";
import { compact, ibNumber, ibString, toContractSummary } from "../convert.ts";
import { byReqId, type Call, firstValue, general, type Handler, type RequestScope } from "../request.ts";
import { toExecution, toPnlValues, toPortfolioItem, toPositionRow } from "../state/rows.ts";
import type { SessionState } from "../state/session-state.ts";

interface AccountDownload {
  values: AccountValue[];
  items: PortfolioItem[];
}

/**
 * The account's balances, positions, P&L, orders and executions. Positions, portfolio, account values and
 * account P&L come from the session state when it covers them (it waits for a re-sync within the caller's
 * deadline); else, or with the state off, from a request to IB.
 */
export function accountRequests(
  call: Call,
  state: SessionState,
): Pick<
  IbClient,
  | "accountSummary"
  | "positions"
  | "pnl"
  | "pnlSingle"
  | "portfolio"
  | "accountValues"
  | "openOrders"
  | "executions"
> {
  // IB streams account updates for one account at a time: portfolio requests take turns
  let accountUpdatesTurn: Promise<unknown> = Promise.resolve();

  /** One reqAccountUpdates download of an account: its value tags and its portfolio rows, up to accountDownloadEnd. */
  function download(account: string, scope: RequestScope): Promise<AccountDownload> {
    const run = () =>
      call(`account updates of ${account}`, general, scope, (link) =>
        byReqId<AccountDownload>(link, scope, `account updates of ${account}`, (_reqId, done) => {
          const got: AccountDownload = { values: [], items: [] };
          const onValue = (tag: string, value: string, currency: string, accountName: string) => {
            if (accountName === account) got.values.push({ tag, value, currency: currency ?? "" });
          };
          const onItem = (
            contract: Contract,
            position: number,
            marketPrice: number,
            marketValue: number,
            averageCost?: number,
            unrealizedPnL?: number,
            realizedPnL?: number,
            accountName?: string,
          ) => {
            if (accountName !== account) return;
            got.items.push(
              toPortfolioItem(
                account,
                contract,
                position,
                marketPrice,
                marketValue,
                averageCost,
                unrealizedPnL,
                realizedPnL,
              ),
            );
          };
          const stop = () => link.raw.reqAccountUpdates(false, account);
          const onEnd = (name: string) => {
            if (name !== account) return;
            stop();
            done(got);
          };
          return {
            events: [
              [EventName.updateAccountValue, onValue as Handler],
              [EventName.updatePortfolio, onItem as Handler],
              [EventName.accountDownloadEnd, onEnd as Handler],
            ],
            send: () => link.raw.reqAccountUpdates(true, account),
            cancel: stop,
          };
        }),
      );
    const mine = accountUpdatesTurn.then(run, run);
    accountUpdatesTurn = mine.catch(() => undefined);
    return mine;
  }

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

    openOrders(scope) {
      return call("open orders", general, scope, async (link) =>
        (await link.next.getAllOpenOrders()).map((o) => {
          const s = o.orderStatus;
          return compact({
            orderId: o.orderId,
            permId: ibNumber(o.order.permId),
            clientId: ibNumber(o.order.clientId),
            account: ibString(o.order.account),
            orderRef: ibString(o.order.orderRef),
            contract: toContractSummary(o.contract),
            action: String(o.order.action ?? ""),
            totalQuantity: o.order.totalQuantity ?? 0,
            orderType: String(o.order.orderType ?? ""),
            limitPrice: ibNumber(o.order.lmtPrice),
            auxPrice: ibNumber(o.order.auxPrice) || undefined,
            timeInForce: ibString(o.order.tif === undefined ? undefined : String(o.order.tif)),
            status: String(s?.status ?? o.orderState.status ?? ""),
            filled: ibNumber(s?.filled),
            remaining: ibNumber(s?.remaining),
            avgFillPrice: ibNumber(s?.avgFillPrice) || undefined,
          });
        }),
      );
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
