import { z } from "zod";
import { AccountField, SymbolField } from "../schemas/fields.ts";

/**
 * A prompt that encodes good practice as a sequence of catalogue tools. Arguments are strings (MCP prompt
 * arguments are), checked by the zod shape before `text` runs.
 */
export interface PromptDef<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  args: S;
  text(args: z.infer<z.ZodObject<S>>): string;
}

const definePrompt = <S extends z.ZodRawShape>(p: PromptDef<S>) => p as unknown as PromptDef;

const portfolioReview = definePrompt({
  name: "portfolio_review",
  title: "Portfolio review",
  description: "Review the account: balances, margin cushion, positions, P&L, concentration and open orders.",
  args: { account: AccountField.optional().describe("IB account id; omit for every managed account") },
  text: ({ account }) =>
    [
      `Review my Interactive Brokers portfolio${account ? ` for account ${account}` : ""}. Read only; place nothing.`,
      "1. get_account_summary: NetLiquidation, BuyingPower, AvailableFunds, ExcessLiquidity; the margin cushion is ExcessLiquidity / NetLiquidation.",
      "2. get_portfolio and get_pnl: each position's market value, weight of NetLiquidation, unrealized and daily P&L.",
      "3. get_open_orders: working orders that would change the picture.",
      "Report: the largest positions and any above 20% of NetLiquidation, the biggest winners and losers, the cushion, cash by currency, and anything that needs a decision. Quote numbers from the tools; do not invent any.",
    ].join("\n"),
});

const preTradeCheck = definePrompt({
  name: "pre_trade_check",
  title: "Pre-trade check",
  description:
    "Check an order before it is placed: contract, market hours, quote, buying power, limits, preview.",
  args: {
    symbol: SymbolField,
    action: z.enum(["BUY", "SELL"]).describe("BUY or SELL"),
    quantity: z
      .string()
      .regex(/^\d+(\.\d+)?$/, "quantity is a positive number, e.g. 100")
      .describe("Shares or contracts"),
    limit_price: z
      .string()
      .regex(/^\d+(\.\d+)?$/, "limit_price is a positive number, e.g. 185.5")
      .optional()
      .describe("Limit price; omit for a market order"),
  },
  text: ({ symbol, action, quantity, limit_price }) =>
    [
      `I want to ${action} ${quantity} ${symbol}${limit_price ? ` at a limit of ${limit_price}` : " at market"}. Check it before anything is sent:`,
      "1. lookup_contract: the exact contract (conId, exchange, currency); stop and ask if it is ambiguous.",
      "2. get_trading_hours: is the market open now? If not, say when it opens and whether the order would rest.",
      "3. get_quote: bid, ask, last and spread; flag a limit far from the market or a wide spread.",
      "4. get_account_summary: BuyingPower and AvailableFunds against the order's notional value.",
      "5. preview_order: IB's what-if (margin change, commission) and this server's limits; report any refusal as it is.",
      "Show me the preview and your findings, and wait for my explicit yes before place_order with the preview's token.",
    ].join("\n"),
});

const optionChainScan = definePrompt({
  name: "option_chain_scan",
  title: "Option-chain scan",
  description: "Scan an underlying's option chain near the money: liquidity, implied volatility and greeks.",
  args: {
    symbol: SymbolField,
    max_days: z
      .string()
      .regex(/^\d{1,3}$/, "max_days is a whole number of days, e.g. 45")
      .optional()
      .describe("Latest expiry to consider, in days from today (default 45)"),
  },
  text: ({ symbol, max_days }) =>
    [
      `Scan the option chain of ${symbol} for expiries within ${max_days ?? "45"} days. Read only; place nothing.`,
      "1. get_quote for the underlying's price.",
      "2. get_option_chain: the expiries and strikes; keep expiries in the window and about five strikes either side of the money.",
      "3. get_option_quotes for those calls and puts: bid, ask, implied volatility, delta, gamma, vega, theta.",
      "Report per expiry: the at-the-money IV, the skew (25-delta put IV minus call IV), the most liquid strikes (tightest spreads) and any quotes that are missing or stale. Use only numbers the tools returned.",
    ].join("\n"),
});

/** Every prompt, in the order prompts/list shows them. */
export const promptCatalogue: readonly PromptDef[] = [portfolioReview, preTradeCheck, optionChainScan];
