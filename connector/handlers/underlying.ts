import { IbMcpError } from "../../shared/errors.ts";
import type { ContractSummary } from "../../shared/schemas/fields.ts";
import { conIdOf, type InstrumentArgs } from "../contracts.ts";
import type { HandlerContext } from "./context.ts";

/** An instrument as the market-data tools take it: security type and exchange may be left to the tool. */
export interface GuessArgs {
  symbol: string;
  sec_type?: string;
  exchange?: string;
  currency: string;
}

/** Where a security type trades when no exchange is given ("" lets IB search every exchange). */
const DEFAULT_EXCHANGE: Record<string, string> = { IND: "", FUT: "", CASH: "IDEALPRO", CRYPTO: "PAXOS" };

/** What to try when no security type was given; `wide` adds crypto and futures (quote tools). */
function candidates(a: GuessArgs, wide: boolean): InstrumentArgs[] {
  const symbol = a.symbol.trim().toUpperCase();
  const pair = /^([A-Z]{3})\.([A-Z]{3})$/.exec(symbol);
  if (pair)
    return [{ symbol: pair[1]!, sec_type: "CASH", exchange: a.exchange ?? "IDEALPRO", currency: pair[2]! }];
  const on = (sec_type: string, exchange: string) => ({
    symbol,
    sec_type,
    exchange: a.exchange ?? exchange,
    currency: a.currency,
  });
  // IB takes an index without an exchange in a contract search; stocks route through SMART
  const list = [on("IND", ""), on("STK", "SMART")];
  return wide ? [...list, on("CRYPTO", "PAXOS"), on("FUT", "")] : list;
}

/**
 * The contract an agent named. With a security type, exactly that; without one, an index when IB lists one
 * under the symbol, else a stock (then, for quotes, a coin or a future); "EUR.USD" is a forex pair.
 */
export async function resolveGuessing(
  a: GuessArgs,
  ctx: HandlerContext,
  wide = false,
): Promise<ContractSummary> {
  // a conId names one contract whatever its type; IB's answer says best what is wrong with it
  if (conIdOf(a.symbol) !== undefined)
    return ctx.contracts.resolve(
      { ...a, sec_type: a.sec_type ?? "STK", exchange: a.exchange ?? "SMART" },
      ctx,
    );
  const tries: InstrumentArgs[] = a.sec_type
    ? [{ ...a, sec_type: a.sec_type, exchange: a.exchange ?? DEFAULT_EXCHANGE[a.sec_type] ?? "SMART" }]
    : candidates(a, wide);
  for (const c of tries) {
    try {
      return await ctx.contracts.resolve(c, ctx);
    } catch (e) {
      if (!(e instanceof IbMcpError) || e.code !== "NOT_FOUND") throw e;
    }
  }
  const types = [...new Set(tries.map((c) => c.sec_type))].join(", ");
  throw new IbMcpError(
    "NOT_FOUND",
    `No ${types} named ${a.symbol.trim().toUpperCase()}${a.exchange ? ` on ${a.exchange}` : ""}; check the symbol with search_contracts, or give sec_type and exchange`,
  );
}
