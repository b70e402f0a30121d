import { type Contract, EventName } from "@stoqey/ib";
import type { AccountValue, PortfolioItem } from "../client-types.ts";
import type { Handler } from "../request.ts";
import { toPortfolioItem } from "./rows.ts";

/** Where one account's reqAccountUpdates messages go, already converted to the tools' rows. */
export interface AccountUpdatesSink {
  value(v: AccountValue): void;
  /** A portfolio row; `position` 0 is IB's one notice that a position closed. */
  item(row: PortfolioItem, conId: number, position: number): void;
  /** accountDownloadEnd: the first full download of the account arrived. */
  end(): void;
}

/** The IB event handlers of one account's reqAccountUpdates (the subscription and the one-off download share them). */
export function accountUpdatesEvents(account: string, sink: AccountUpdatesSink): Array<[EventName, Handler]> {
  const onValue = (tag: string, value: string, currency: string, accountName: string) => {
    if (accountName === account) sink.value({ tag, value, currency: currency ?? "" });
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
    const row = toPortfolioItem(
      account,
      contract,
      position,
      marketPrice,
      marketValue,
      averageCost,
      unrealizedPnL,
      realizedPnL,
    );
    sink.item(row, contract.conId ?? 0, position);
  };
  const onEnd = (name: string) => {
    if (name === account) sink.end();
  };
  return [
    [EventName.updateAccountValue, onValue as Handler],
    [EventName.updatePortfolio, onItem as Handler],
    [EventName.accountDownloadEnd, onEnd as Handler],
  ];
}
