import { z } from "zod";
import { AccountField, ContractSummary } from "../schemas/fields.ts";
import { OptionGreeks, QuoteFailure } from "../schemas/market-data.ts";
import { readTool } from "../tool-def.ts";

/** Greeks of a whole position: the option's greek × quantity × multiplier. */
const PositionGreeks = z.object({
  delta: z.number().optional(),
  gamma: z.number().optional(),
  vega: z.number().optional(),
  theta: z.number().optional(),
});

export const getPortfolioGreeks = readTool({
  name: "get_portfolio_greeks",
  title: "Portfolio greeks",
  toolsets: ["options"],
  description:
    "Greeks of every option position (IV, delta, gamma, vega, theta per option and per position: × quantity × multiplier) and their sums per underlying, with its shares as delta. Delayed-frozen model greeks by default.",
  input: z.object({
    account: AccountField.default(""),
    use_delayed: z.boolean().default(true).describe("Delayed-frozen, no OPRA needed; false: live"),
  }),
  output: z.object({
    positions: z.array(
      z.object({
        account: z.string(),
        contract: ContractSummary.pick({
          conId: true,
          symbol: true,
          localSymbol: true,
          lastTradeDateOrContractMonth: true,
          strike: true,
          right: true,
        }),
        position: z.number(),
        multiplier: z.number(),
        greeks: OptionGreeks,
        total: PositionGreeks,
      }),
    ),
    underlyings: z.array(
      PositionGreeks.extend({
        symbol: z.string(),
        shares: z.number(),
        netDelta: z.number(),
      }),
    ),
    failures: z.array(QuoteFailure),
  }),
  summarize: (o) =>
    [
      ...o.underlyings.map(
        (u) =>
          `${u.symbol}: net delta ${u.netDelta} (options ${u.delta ?? "?"}, shares ${u.shares}), gamma ${u.gamma ?? "?"}, vega ${u.vega ?? "?"}, theta ${u.theta ?? "?"}`,
      ),
      ...o.positions.map(
        (p) =>
          `- ${p.account}: ${p.position} ${p.contract.localSymbol ?? p.contract.symbol} IV ${p.greeks.impliedVol ?? "?"}, delta ${p.greeks.delta ?? "?"} → position delta ${p.total.delta ?? "?"}`,
      ),
      ...o.failures.map((f) => `- ${f.symbol}: ${f.code} ${f.message}`),
    ].join("\n") || "No option positions.",
});
