import { IbMcpError } from "../../shared/errors.ts";
import type { BoundOrder, OrderRequest } from "../../shared/schemas/order.ts";
import type { HandlerContext } from "../handlers/context.ts";

/** IB's option multiplier; a combo's notional is its net price × this. */
const OPTION_MULTIPLIER = "100";

/**
 * A BAG combo's legs resolved to conIds, its contract, and its net price per combo as bought, from each leg's last
 * price (BUY legs add, SELL legs subtract, times the ratio): a debit, or refused; SELL the combo for a credit.
 */
export async function comboContract(
  r: OrderRequest,
  ctx: HandlerContext,
  lastPrice: (conId: number, exchange: string) => Promise<number>,
): Promise<{
  contract: {
    conId: number;
    symbol: string;
    secType: string;
    exchange: string;
    currency: string;
    multiplier: string;
  };
  legs: NonNullable<BoundOrder["combo_legs"]>;
  net: number;
}> {
  const symbol = (r.symbol ?? "").toUpperCase();
  const legs: NonNullable<BoundOrder["combo_legs"]> = [];
  let net = 0;
  for (const [k, leg] of (r.legs ?? []).entries()) {
    const subject = `legs[${k}] ${symbol} ${leg.expiry} ${leg.strike} ${leg.right} option`;
    const [first] = await ctx.ib.contractDetails(
      {
        symbol,
        secType: "OPT",
        exchange: r.exchange,
        currency: r.currency,
        lastTradeDateOrContractMonth: leg.expiry,
        strike: leg.strike,
        right: leg.right,
        tradingClass: leg.trading_class,
      },
      subject,
      ctx,
    );
    if (!first)
      throw new IbMcpError(
        "NOT_FOUND",
        `No ${subject}; get_option_chain lists the expiries and strikes that exist`,
      );
    const conId = first.contract.conId;
    if (legs.some((l) => l.conId === conId))
      throw new IbMcpError(
        "INVALID_ARGUMENT",
        `${subject} repeats another leg; give each option once with its ratio`,
      );
    legs.push({ conId, ratio: leg.ratio, action: leg.action, exchange: r.exchange });
    const last = await lastPrice(conId, first.contract.exchange ?? r.exchange);
    net += (leg.action === "BUY" ? 1 : -1) * leg.ratio * last;
  }
  const contract = {
    conId: 0,
    symbol,
    secType: "BAG",
    exchange: r.exchange,
    currency: r.currency,
    multiplier: OPTION_MULTIPLIER,
  };
  const rounded = Math.round(net * 100) / 100;
  // IB prices a combo as bought; a positive limit only means what the agent expects for a debit combo
  if (rounded <= 0)
    throw new IbMcpError(
      "INVALID_ARGUMENT",
      `these legs cost ${rounded} per combo as bought, not a debit; reverse each leg's action and SELL the combo for a credit, or BUY these legs as they are when they cost a debit`,
    );
  return { contract, legs, net: rounded };
}
