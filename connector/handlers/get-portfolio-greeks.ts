import type { OptionGreeks } from "../../shared/schemas/market-data.ts";
import type { ToolOutput } from "../../shared/tool-def.ts";
import { getPortfolioGreeks } from "../../shared/tools/get-portfolio-greeks.ts";
import { checkAccount } from "./accounts.ts";
import { defineHandler } from "./context.ts";
import { settleAll, snapshotOf } from "./market-data.ts";

type Output = ToolOutput<typeof getPortfolioGreeks>;
type Totals = Output["positions"][number]["total"];

const round = (x: number) => Number(x.toFixed(4));
/** The contract fields the tool returns: enough to name the option, no more. */
const OptionName = getPortfolioGreeks.output.shape.positions.element.shape.contract;

/** A position's greeks: each option greek × quantity × multiplier (absent when IB sent none). */
export function positionTotals(g: OptionGreeks, quantity: number, multiplier: number): Totals {
  const scale = (v: number | undefined) => (v === undefined ? undefined : round(v * quantity * multiplier));
  const t: Totals = {};
  for (const k of ["delta", "gamma", "vega", "theta"] as const) {
    const v = scale(g[k]);
    if (v !== undefined) t[k] = v;
  }
  return t;
}

/** Sums per underlying symbol; a sum is absent when no option of that underlying had the greek. */
export function sumByUnderlying(
  positions: Output["positions"],
  shares: ReadonlyMap<string, number>,
): Output["underlyings"] {
  const by = new Map<string, Totals>();
  for (const p of positions) {
    const sum = by.get(p.contract.symbol) ?? {};
    for (const k of ["delta", "gamma", "vega", "theta"] as const) {
      const v = p.total[k];
      if (v !== undefined) sum[k] = round((sum[k] ?? 0) + v);
    }
    by.set(p.contract.symbol, sum);
  }
  return [...by].map(([symbol, sum]) => {
    const held = shares.get(symbol) ?? 0;
    return { symbol, ...sum, shares: held, netDelta: round((sum.delta ?? 0) + held) };
  });
}

export const getPortfolioGreeksHandler = defineHandler(getPortfolioGreeks, async (args, ctx) => {
  checkAccount(args.account, ctx);
  const all = (await ctx.ib.positions(ctx)).filter(
    (p) => p.position !== 0 && (!args.account || p.account === args.account),
  );
  const shares = new Map<string, number>();
  for (const p of all)
    if (p.contract.secType === "STK")
      shares.set(p.contract.symbol, (shares.get(p.contract.symbol) ?? 0) + p.position);
  const options = all.filter((p) => p.contract.secType === "OPT");
  if (options.length === 0) return { positions: [], underlyings: [], failures: [] };
  const { results, failures } = await settleAll(
    options,
    (p) => p.contract.localSymbol ?? `conId ${p.contract.conId}`,
    async (p) => {
      // IB reports positions without a routing exchange; its model greeks need one
      const contract = { ...p.contract, exchange: p.contract.exchange || "SMART" };
      // IB has no one-shot snapshots of delayed option data: a brief stream, cancelled once complete
      const snap = await snapshotOf(contract, args.use_delayed ? "delayed-frozen" : "auto", ctx, "stream");
      const greeks = snap.greeks ?? {};
      const multiplier = Number(p.contract.multiplier) || 100;
      return {
        account: p.account,
        contract: OptionName.parse(p.contract),
        position: p.position,
        multiplier,
        greeks,
        total: positionTotals(greeks, p.position, multiplier),
      };
    },
    ctx.signal,
  );
  return { positions: results, underlyings: sumByUnderlying(results, shares), failures };
});
