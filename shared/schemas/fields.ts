import { z } from "zod";

/** A ticker symbol (any case) or a numeric IB conId. */
export const SymbolField = z
  .string()
  .min(1, "symbol must not be empty")
  .max(32, "symbol is at most 32 characters")
  .regex(/^[A-Za-z0-9.\-/ &^]+$/, "symbol may contain letters, digits and . - / & ^ only")
  .describe("Ticker symbol (e.g. AAPL, ES, EUR) or a numeric IB conId (e.g. 265598)");

export const SecType = z
  .enum(["STK", "OPT", "FUT", "CASH", "IND", "CFD", "BOND", "CRYPTO", "FOP", "WAR", "FUND", "CMDTY"])
  .describe(
    "IB security type: STK stock/ETF, OPT option, FUT future, CASH forex, IND index, BOND, CRYPTO, ...",
  );
export type SecType = z.infer<typeof SecType>;

export const ExchangeField = z
  .string()
  .min(1)
  .max(20)
  .regex(/^[A-Za-z0-9.]+$/, "exchange is an IB exchange code such as SMART, NASDAQ, CME, EUREX")
  .describe("IB exchange code (SMART routes; NYSE, NASDAQ, ARCA, CME, EUREX, IDEALPRO, PAXOS, ...)");

export const CurrencyField = z
  .string()
  .regex(/^[A-Za-z]{3}$/, "currency is a three-letter ISO code such as USD or EUR")
  .describe("Three-letter currency code (USD, EUR, ...)");

export const TradingClassField = z
  .string()
  .max(32)
  .regex(/^[A-Za-z0-9 ]*$/, "trading_class is a class such as SPXW");

export const AccountField = z
  .string()
  .max(32)
  .regex(/^[A-Za-z0-9]*$/, "account is an IB account id such as DU1234567, or empty for all")
  .describe("IB account id (e.g. DU1234567); empty for all managed accounts");

/** A contract as IB identifies it; the shape every tool uses to name an instrument. */
export const ContractSummary = z.object({
  conId: z.number().int(),
  symbol: z.string(),
  secType: z.string(),
  exchange: z.string().optional(),
  primaryExchange: z.string().optional(),
  currency: z.string(),
  localSymbol: z.string().optional(),
  tradingClass: z.string().optional(),
  lastTradeDateOrContractMonth: z.string().optional(),
  strike: z.number().optional(),
  right: z.string().optional(),
  multiplier: z.string().optional(),
});
export type ContractSummary = z.infer<typeof ContractSummary>;

/** The fields that identify an instrument in most read tools, with the Python server's defaults. */
export const instrumentFields = {
  symbol: SymbolField,
  sec_type: SecType.default("STK"),
  exchange: ExchangeField.default("SMART"),
  currency: CurrencyField.default("USD"),
};
