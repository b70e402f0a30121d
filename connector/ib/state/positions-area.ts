import { type Contract, EventName } from "@stoqey/ib";
import type { Positions } from "../client-types.ts";
import type { Handler } from "../request.ts";
import type { AreaSpec } from "./live-area.ts";
import { type PositionRow, toPositionRow } from "./rows.ts";

/**
 * Positions of every managed account from one reqPositions subscription, keyed account → conId (IB sends one
 * `position` message per account and contract, on the initial download and on every change). A position that
 * goes to zero is dropped, as a new reqPositions download would not list it.
 */
export function positionsArea() {
  const byAccount = new Map<string, Map<number, PositionRow>>();
  const spec: AreaSpec = {
    name: "positions",
    applies: () => true,
    reset: () => byAccount.clear(),
    counts: () => ({ positions: [...byAccount.values()].reduce((n, m) => n + m.size, 0) }),
    open(link, _accounts, ended, changed) {
      const onPosition = (account: string, contract: Contract, pos: number, avgCost?: number) => {
        const rows = byAccount.get(account) ?? new Map<number, PositionRow>();
        byAccount.set(account, rows);
        const conId = contract.conId ?? 0;
        if (pos === 0) rows.delete(conId);
        else rows.set(conId, toPositionRow(account, contract, pos, avgCost));
        changed();
      };
      return {
        events: [
          [EventName.position, onPosition as Handler],
          [EventName.positionEnd, ended as Handler],
        ],
        send: () => link.raw.reqPositions(),
        cancel: () => link.raw.cancelPositions(),
      };
    },
  };
  return {
    spec,
    rows: (): Positions => [...byAccount.values()].flatMap((m) => [...m.values()]),
  };
}
