import type { AccountValue, PortfolioItem } from "../client-types.ts";
import { byReqId, type Call, general, type RequestScope } from "../request.ts";
import { accountUpdatesEvents } from "../state/account-update-events.ts";

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
          const stop = () => link.raw.reqAccountUpdates(false, account);
          return {
            events: accountUpdatesEvents(account, {
              value: (v) => got.values.push(v),
              item: (row) => got.items.push(row),
              end: () => {
                stop();
                done(got);
              },
            }),
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
