import type { Contract } from "@stoqey/ib";
import { EventName } from "@stoqey/ib";
import type { AccountValue, PortfolioItem } from "../client-types.ts";
import { byReqId, type Call, general, type Handler, type RequestScope } from "../request.ts";
import { toPortfolioItem } from "../state/rows.ts";

export interface AccountDownload {
  values: AccountValue[];
  items: PortfolioItem[];
}

/**
 * One reqAccountUpdates download of an account at a time (IB streams one account's updates per client): its
 * value tags and its portfolio rows, up to accountDownloadEnd. The request path when the session state does not
 * cover an account.
 */
export function accountUpdatesDownloader(
  call: Call,
): (account: string, scope: RequestScope) => Promise<AccountDownload> {
  // IB streams account updates for one account at a time: portfolio requests take turns
  let accountUpdatesTurn: Promise<unknown> = Promise.resolve();

  return function download(account: string, scope: RequestScope): Promise<AccountDownload> {
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
  };
}
