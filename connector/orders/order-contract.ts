import { IbMcpError } from "../../shared/errors.ts";
import type { OrderRequest } from "../../shared/schemas/order.ts";
import type { HandlerContext } from "../handlers/context.ts";
import type { ContractDetails } from "../ib/convert.ts";

const bad = (message: string) => new IbMcpError("INVALID_ARGUMENT", message);

/**
 * The one contract an order trades: by conId, by symbol, or for OPT by symbol and the option's expiry, strike and
 * right (a symbol alone names a whole chain, so an OPT order without them is refused rather than guessed).
 */
export async function orderContract(r: OrderRequest, ctx: HandlerContext): Promise<ContractDetails> {
  const opt = r.sec_type.toUpperCase() === "OPT";
  if (r.option !== undefined && !opt)
    throw bad(`option picks an OPT contract; set sec_type OPT (not ${r.sec_type})`);
  if (opt && r.conId === undefined && r.option === undefined)
    throw bad("OPT orders need option {expiry, strike, right} with the symbol, or the option's conId");
  if (opt && r.conId === undefined && r.option !== undefined) {
    const o = r.option;
    const subject = `${r.symbol} ${o.expiry} ${o.strike} ${o.right} option`;
    const [first] = await ctx.ib.contractDetails(
      {
        symbol: r.symbol?.toUpperCase(),
        secType: "OPT",
        exchange: r.exchange,
        currency: r.currency,
        lastTradeDateOrContractMonth: o.expiry,
        strike: o.strike,
        right: o.right,
        tradingClass: o.trading_class,
      },
      subject,
      ctx,
    );
    if (!first)
      throw new IbMcpError(
        "NOT_FOUND",
        `No ${subject}; get_option_chain lists the expiries and strikes that exist`,
      );
    return first;
  }
  const [details] = await ctx.contracts.details(
    {
      symbol: r.conId !== undefined ? String(r.conId) : (r.symbol ?? ""),
      sec_type: r.sec_type,
      exchange: r.exchange,
      currency: r.currency,
    },
    ctx,
  );
  if (!details) throw new IbMcpError("NOT_FOUND", "IB returned no contract for this order");
  return details;
}
