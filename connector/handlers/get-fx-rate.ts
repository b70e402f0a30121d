import { IbMcpError } from "../../shared/errors.ts";
import type { QuoteFields } from "../../shared/schemas/market-data.ts";
import type { ToolOutput } from "../../shared/tool-def.ts";
import { getFxRate } from "../../shared/tools/get-fx-rate.ts";
import type { HandlerContext } from "./context.ts";
import { defineHandler } from "./context.ts";
import { snapshotOf } from "./market-data.ts";

type Leg = ToolOutput<typeof getFxRate>["legs"][number];
type Choice = Parameters<typeof snapshotOf>[1];

/** The quote's midpoint; a one-sided or crossed book has no midpoint to convert at. */
export function midpoint(q: QuoteFields, pair: string): number {
  if (q.bid === undefined || q.ask === undefined || q.bid <= 0 || q.ask < q.bid)
    throw new IbMcpError(
      "IB_UNAVAILABLE",
      `IB sent no two-sided quote for ${pair}; retry when IDEALPRO is open or with market_data_type delayed`,
    );
  return (q.bid + q.ask) / 2;
}

/** Units of the last leg's target per one unit of the first leg's source. */
export function rateOf(legs: readonly Pick<Leg, "mid" | "inverted">[]): number {
  return legs.reduce((r, l) => r * (l.inverted ? 1 / l.mid : l.mid), 1);
}

/** Rounds a derived figure to what a rate of IDEALPRO carries, so float noise stays out of answers. */
export function tidy(n: number): number {
  return Number(n.toPrecision(10));
}

/** The leg from→to on IDEALPRO: the pair as IB lists it, or its inverse; undefined when IB lists neither. */
async function leg(from: string, to: string, choice: Choice, ctx: HandlerContext): Promise<Leg | undefined> {
  for (const [base, quote, inverted] of [
    [from, to, false],
    [to, from, true],
  ] as const) {
    const args = { symbol: base, sec_type: "CASH", exchange: "IDEALPRO", currency: quote };
    const contract = await ctx.contracts.resolve(args, ctx).catch((e: unknown) => {
      if (e instanceof IbMcpError && e.code === "NOT_FOUND") return undefined;
      throw e;
    });
    if (!contract) continue;
    const pair = `${base}.${quote}`;
    const s = await snapshotOf(contract, choice, ctx);
    const { bid, ask } = s.fields;
    return {
      pair,
      conId: contract.conId,
      bid,
      ask,
      mid: midpoint(s.fields, pair),
      inverted,
      dataType: s.dataType,
    };
  }
  return undefined;
}

export const getFxRateHandler = defineHandler(getFxRate, async (args, ctx) => {
  const { from, to, amount, market_data_type: choice } = args;
  if (from === to) return { from, to, amount, rate: 1, converted: amount, legs: [] };
  const direct = await leg(from, to, choice, ctx);
  let legs: Leg[] | undefined = direct && [direct];
  if (!legs && from !== "USD" && to !== "USD") {
    const [a, b] = await Promise.all([leg(from, "USD", choice, ctx), leg("USD", to, choice, ctx)]);
    legs = a && b ? [a, b] : undefined;
  }
  if (!legs)
    throw new IbMcpError(
      "NOT_FOUND",
      `IB lists no IDEALPRO pair converting ${from} to ${to} (directly or through USD); check both currency codes`,
    );
  const rate = tidy(rateOf(legs));
  return { from, to, amount, rate, converted: tidy(amount * rate), legs };
});
