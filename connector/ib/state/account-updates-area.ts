import type { AccountValue, PortfolioItem } from "../client-types.ts";
import { accountUpdatesEvents } from "./account-update-events.ts";
import type { AreaSpec } from "./live-area.ts";

/**
 * Portfolio rows (keyed by conId) and account values (keyed by tag and currency) of the one managed account,
 * from one reqAccountUpdates subscription. IB streams account updates for one account at a time, and each
 * reqAccountUpdates replaces the previous one; so the area is kept only when the session manages exactly one
 * account. With several (an advisor or a linked login) these reads take the request path, one account's
 * download at a time, as before: following one account here would be silently replaced by the others'.
 */
export function accountUpdatesArea() {
  let account: string | undefined;
  const items = new Map<number, PortfolioItem>();
  const values = new Map<string, AccountValue>();
  const spec: AreaSpec = {
    name: "account updates",
    applies: (accounts) => accounts.length === 1,
    reset() {
      items.clear();
      values.clear();
    },
    counts: () => ({ portfolio: items.size, accountValues: values.size }),
    open(link, accounts, ended, changed) {
      const mine = accounts[0] ?? "";
      account = mine;
      return {
        events: accountUpdatesEvents(mine, {
          value(v) {
            values.set(`${v.tag}\u0000${v.currency}`, v);
            changed();
          },
          item(row, conId, position) {
            // a closed position: IB sends it once with position 0; a new download would not list it
            if (position === 0) items.delete(conId);
            else items.set(conId, row);
            changed();
          },
          end: ended,
        }),
        send: () => link.raw.reqAccountUpdates(true, mine),
        cancel: () => link.raw.reqAccountUpdates(false, mine),
      };
    },
  };
  return {
    spec,
    /** The rows of `name`, or undefined when the area does not follow that account (take the request path). */
    portfolio: (name: string): PortfolioItem[] | undefined =>
      name === account ? [...items.values()] : undefined,
    accountValues: (name: string): AccountValue[] | undefined =>
      name === account ? [...values.values()] : undefined,
  };
}
