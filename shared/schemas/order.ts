import { z } from "zod";
import {
  AccountId,
  CurrencyField,
  ExchangeField,
  printableText,
  SecTypeCode,
  SymbolField,
  TradingClassField,
  trimSpaces,
} from "./fields.ts";

export const OrderSide = z.enum(["BUY", "SELL"]);
export const OrderType = z.enum(["MKT", "LMT", "STP", "STP LMT", "TRAIL", "TRAIL LIMIT"]);
/** IB's algos this server sends; each also needs its name in ORDER_TYPE_ALLOWLIST. */
export const AlgoStrategy = z.enum(["Adaptive"]);
export const AdaptivePriority = z.enum(["Urgent", "Normal", "Patient"]);
export const TimeInForce = z.enum(["DAY", "GTC", "IOC"]);

const positive = z.number().positive();

/** Another order of a one-cancels-all group: same contract, side and quantity, its own type and prices. */
export const OcaOrder = z.object({
  order_type: OrderType,
  limit_price: positive.optional(),
  stop_price: positive.optional(),
  trailing_amount: positive.optional(),
  trailing_percent: positive.max(100).optional(),
  limit_offset: positive.optional(),
});
export type OcaOrder = z.infer<typeof OcaOrder>;
/** IB's ocaType: what a fill does to the group's other orders (1, 2, 3). */
export const OcaType = z.enum(["cancel", "reduce", "reduce_no_block"]);

/** Which option of the symbol's chain an OPT order trades (get_option_chain lists them). */
export const OptionPick = z.object({
  expiry: z.string().regex(/^\d{8}$/, "expiry is a date YYYYMMDD, e.g. 20250117"),
  strike: positive,
  right: z.enum(["C", "P"]),
  trading_class: TradingClassField.optional(),
});
export type OptionPick = z.infer<typeof OptionPick>;

/** One leg of a BAG combo: an option of the order's symbol, its side within the combo and its ratio. */
export const ComboLegPick = OptionPick.extend({
  action: OrderSide,
  ratio: z.number().int().min(1).max(10).default(1),
});
/** A combo leg as bound: resolved to its conId. */
export const BoundComboLeg = z.object({
  conId: z.number().int(),
  ratio: z.number().int(),
  action: OrderSide,
  exchange: z.string(),
});

/** Optional free text the agent sends to say who it is; written to the audit log only. */
export const ClientInfo = printableText("client_info", 200)
  .optional()
  .describe("Who is asking (agent, task); for the audit log only.");

/** An order as preview_order takes it; the token binds exactly these values after normalisation. */
export const OrderRequest = z.object({
  symbol: SymbolField.overwrite(trimSpaces).optional().describe("Ticker, e.g. AAPL; or give conId."),
  conId: z.number().int().positive().optional().describe("IB contract id; wins over symbol."),
  sec_type: SecTypeCode.default("STK").describe("STK (stocks, ETFs) or OPT; OPT needs option or conId."),
  option: OptionPick.optional().describe("With sec_type OPT and symbol: expiry YYYYMMDD, strike, right C/P."),
  legs: z
    .array(ComboLegPick)
    .min(2)
    .max(4)
    .optional()
    .describe("sec_type BAG: 2-4 option legs of symbol (action, ratio); LMT price is the net per combo."),
  exchange: ExchangeField.default("SMART"),
  currency: CurrencyField.default("USD"),
  side: OrderSide,
  quantity: z
    .number()
    .positive()
    .max(1_000_000_000)
    .describe("Whole shares or contracts, at least the contract's minimum size (IB's contract details)."),
  order_type: OrderType.default("LMT").describe(
    "Types beyond MKT, LMT, STP, STP LMT need the operator's ORDER_TYPE_ALLOWLIST.",
  ),
  limit_price: z.number().positive().optional().describe("Needed for LMT and STP LMT."),
  stop_price: z.number().positive().optional().describe("Needed for STP and STP LMT."),
  trailing_amount: z
    .number()
    .positive()
    .optional()
    .describe("TRAIL, TRAIL LIMIT: stop trails the market by this amount (or give trailing_percent)."),
  trailing_percent: z
    .number()
    .positive()
    .max(100)
    .optional()
    .describe("TRAIL, TRAIL LIMIT: trail by this percent."),
  limit_offset: z
    .number()
    .positive()
    .optional()
    .describe("TRAIL LIMIT: the limit lies this far beyond the stop once it triggers."),
  algo: AlgoStrategy.optional().describe("IB algo for MKT or LMT: Adaptive."),
  algo_priority: AdaptivePriority.optional().describe("Adaptive's urgency; Normal when absent."),
  oca_orders: z
    .array(OcaOrder)
    .min(1)
    .max(3)
    .optional()
    .describe("One-cancels-all: 1-3 more orders, same contract, side, quantity; one preview, one token."),
  oca_type: OcaType.default("cancel").describe("What a fill does to the group's others (IB ocaType 1-3)."),
  take_profit_price: z
    .number()
    .positive()
    .optional()
    .describe("With stop_loss_price: a bracket, a limit child that takes profit."),
  stop_loss_price: z
    .number()
    .positive()
    .optional()
    .describe("With take_profit_price: a bracket, a stop child that limits the loss."),
  tif: TimeInForce.default("DAY"),
  outside_rth: z.boolean().default(false).describe("Allow filling outside regular trading hours."),
  account: AccountId.optional().describe("IB account; the first managed account when absent."),
  modify_order_id: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("Preview a change of this working order; confirm with modify_order instead of place_order."),
  client_info: ClientInfo,
});
export type OrderRequest = z.infer<typeof OrderRequest>;

/** What a token binds: the request with the account resolved and the contract pinned to a conId. */
export const BoundOrder = z.object({
  conId: z.number().int(),
  symbol: z.string(),
  sec_type: z.string(),
  exchange: z.string(),
  currency: z.string(),
  multiplier: z.number().positive(),
  side: OrderSide,
  quantity: z.number().positive(),
  order_type: OrderType,
  limit_price: z.number().positive().optional(),
  stop_price: z.number().positive().optional(),
  trailing_amount: z.number().positive().optional(),
  trailing_percent: z.number().positive().optional(),
  limit_offset: z.number().positive().optional(),
  algo: AlgoStrategy.optional(),
  algo_priority: AdaptivePriority.optional(),
  oca_orders: z.array(OcaOrder).optional(),
  oca_type: OcaType.optional(),
  combo_legs: z.array(BoundComboLeg).optional(),
  take_profit_price: z.number().positive().optional(),
  stop_loss_price: z.number().positive().optional(),
  tif: TimeInForce,
  outside_rth: z.boolean(),
  account: z.string(),
  modify_order_id: z.number().int().optional(),
  /** Price the notional was computed from (the limit, else the last price). */
  reference_price: z.number(),
  notional: z.number(),
});
export type BoundOrder = z.infer<typeof BoundOrder>;

/** One limit that applies to an order and whether it passed. */
export const LimitCheck = z.object({
  name: z.string(),
  limit: z.string(),
  value: z.string(),
  ok: z.boolean(),
});
export type LimitCheck = z.infer<typeof LimitCheck>;

/** An order as IB reports it after placement, modification or cancellation. */
export const OrderOutcome = z.object({
  order_id: z.number().int(),
  child_order_ids: z.array(z.number().int()),
  order_ref: z.string(),
  status: z.string(),
  filled: z.number(),
  remaining: z.number(),
  avg_fill_price: z.number().optional(),
  perm_id: z.number().int().optional(),
  /** True when this answer repeats an earlier placement of the same token instead of sending again. */
  replayed: z.boolean(),
});
export type OrderOutcome = z.infer<typeof OrderOutcome>;

/** The trading limits in force, as get_connection_status reports them. */
export const TradingLimits = z.object({
  maxQuantity: z.number(),
  maxNotional: z.number(),
  dailyMaxNotional: z.number(),
  dailyNotionalUsed: z.number(),
  symbolAllowlist: z.array(z.string()),
  symbolDenylist: z.array(z.string()),
  secTypeAllowlist: z.array(z.string()),
  orderTypeAllowlist: z.array(z.string()),
  priceBandPct: z.number(),
});
export type TradingLimits = z.infer<typeof TradingLimits>;
