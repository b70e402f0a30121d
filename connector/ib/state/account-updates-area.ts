import { type Contract, EventName } from "@stoqey/ib";
import type { AccountValue, PortfolioItem } from "../client-types.ts";
import type { Handler } from "../request.ts";
import type { AreaSpec } from "./live-area.ts";
import { toPortfolioItem } from "./rows.ts";

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
      const onValue = (tag: string, value: string, currency: string, accountName: string) => {
        if (accountName !== mine) return;
        values.set(`${tag}\u0000${currency ?? ""}`, { tag, value, currency: currency ?? "" });
        changed();
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
        if (accountName !== mine) return;
        const conId = contract.conId ?? 0;
        // a closed position: IB sends it once with position 0; a new download would not list it
        if (position === 0) items.delete(conId);
        else
          items.set(
            conId,
            toPortfolioItem(
              mine,
              contract,
              position,
              marketPrice,
              marketValue,
              averageCost,
              unrealizedPnL,
              realizedPnL,
            ),
          );
        changed();
      };
      const onEnd = (name: string) => {
        if (name === mine) ended();
      };
      return {
        events: [
          [EventName.updateAccountValue, onValue as Handler],
          [EventName.updatePortfolio, onItem as Handler],
          [EventName.accountDownloadEnd, onEnd as Handler],
        ],
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
