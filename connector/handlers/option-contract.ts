import { IbMcpError } from "../../shared/errors.ts";
import type { ContractSummary } from "../../shared/schemas/fields.ts";
import type { HandlerContext } from "./context.ts";

/** An option named by underlying, expiry, strike and right. */
export interface OptionName {
  symbol: string;
  expiry: string;
  strike: number;
  right: "C" | "P";
  exchange: string;
  currency: string;
  trading_class: string;
}

/** The one IB option contract these fields name, or NOT_FOUND pointing at get_option_chain. */
export async function resolveOption(o: OptionName, ctx: HandlerContext): Promise<ContractSummary> {
  const symbol = o.symbol.trim().toUpperCase();
  const subject = `${symbol} ${o.expiry} ${o.strike} ${o.right} option`;
  const notFound = () =>
    new IbMcpError("NOT_FOUND", `No ${subject}; get_option_chain lists the expiries and strikes that exist`);
  const details = await ctx.ib
    .contractDetails(
      {
        symbol,
        secType: "OPT",
        exchange: o.exchange,
        currency: o.currency,
        lastTradeDateOrContractMonth: o.expiry,
        strike: o.strike,
        right: o.right,
        tradingClass: o.trading_class,
      },
      subject,
      ctx,
    )
    .catch((err: unknown) => {
      // IB's 200 names no next step an agent can take for an option: point it at the chain
      throw err instanceof IbMcpError && err.code === "NOT_FOUND" ? notFound() : err;
    });
  if (!details[0]) throw notFound();
  return details[0].contract;
}
