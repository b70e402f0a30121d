import { IbMcpError } from "../../../../shared/errors.ts";
import type { IbLink } from "../../link.ts";
import { num } from "./ib-orders-of.ts";

/** The last traded price (else the bid/ask midpoint, else the close) from one snapshot. */
export async function lastPriceOn(link: IbLink, conId: number, exchange: string): Promise<number> {
  const snap = await link.next.getMarketDataSnapshot({ conId, exchange }, "", false);
  const tick = (...types: number[]) => {
    for (const t of types) {
      const v = num(snap.get(t)?.value);
      if (v !== undefined && v > 0) return v;
    }
    return undefined;
  };
  const last = tick(4, 68);
  const bid = tick(1, 66);
  const ask = tick(2, 67);
  const price = last ?? (bid && ask ? (bid + ask) / 2 : undefined) ?? tick(9, 75);
  if (price === undefined)
    throw new IbMcpError(
      "NOT_FOUND",
      `IB has no last, bid/ask or close price for conId ${conId}, so the order's notional and price band cannot be checked`,
    );
  return price;
}
