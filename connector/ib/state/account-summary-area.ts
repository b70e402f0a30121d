import { EventName } from "@stoqey/ib";
import type { AccountSummary } from "../client-types.ts";
import type { Handler } from "../request.ts";
import type { AreaSpec } from "./live-area.ts";

/**
 * The account summary of every managed account for one set of tags, from one reqAccountSummary subscription
 * ("All" group), keyed account → tag → currency. The tags are those of the first read (get_account_summary asks
 * for the same ones every time); reads for other tags take the request path, since IB allows only two summary
 * subscriptions at once and one must stay free for them.
 */
export function accountSummaryArea() {
  let tags: string | undefined;
  const byAccount = new Map<string, Map<string, Map<string, string>>>();
  const spec: AreaSpec = {
    name: "account summary",
    applies: () => tags !== undefined,
    reset: () => byAccount.clear(),
    counts: () => ({
      accounts: byAccount.size,
      values: [...byAccount.values()].reduce(
        (n, t) => n + [...t.values()].reduce((k, c) => k + c.size, 0),
        0,
      ),
    }),
    open(link, _accounts, ended, changed) {
      const reqId = link.next.nextReqId;
      const onValue = (id: number, account: string, tag: string, value: string, currency: string) => {
        if (id !== reqId) return;
        const byTag = byAccount.get(account) ?? new Map<string, Map<string, string>>();
        byAccount.set(account, byTag);
        const byCurrency = byTag.get(tag) ?? new Map<string, string>();
        byTag.set(tag, byCurrency);
        byCurrency.set(currency, value);
        changed();
      };
      const onEnd = (id: number) => {
        if (id === reqId) ended();
      };
      return {
        events: [
          [EventName.accountSummary, onValue as Handler],
          [EventName.accountSummaryEnd, onEnd as Handler],
        ],
        reqIds: [reqId],
        send: () => link.raw.reqAccountSummary(reqId, "All", tags ?? ""),
        cancel: () => link.raw.cancelAccountSummary(reqId),
      };
    },
  };
  return {
    spec,
    /** Follows `wanted` from now on if nothing is followed yet; whether the area answers for these tags. */
    follows(wanted: string): boolean {
      tags ??= wanted;
      return tags === wanted;
    },
    rows: (): AccountSummary =>
      [...byAccount].map(([account, byTag]) => ({
        account,
        values: [...byTag].flatMap(([tag, byCurrency]) =>
          [...byCurrency].map(([currency, value]) => ({ tag, value, currency })),
        ),
      })),
  };
}
