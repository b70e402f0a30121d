import { z } from "zod";

/** A ticker symbol (any case) or a numeric IB conId. */
export const SymbolField = z
  .string()
  .min(1, "symbol must not be empty")
  .max(32, "symbol is at most 32 characters")
  .regex(/^[A-Za-z0-9.\-/ &^]+$/, "symbol may contain letters, digits and . - / & ^ only")
  .describe("Ticker (AAPL, ES, EUR) or IB conId");

export const SecType = z
  .enum(["STK", "OPT", "FUT", "CASH", "IND", "CFD", "BOND", "CRYPTO", "FOP", "WAR", "FUND", "CMDTY"])
  .describe("STK stock/ETF, CASH forex, IND index");
export type SecType = z.infer<typeof SecType>;

/** Drops leading and trailing spaces; tabs and line breaks are control characters, refused rather than trimmed. */
export function trimSpaces(v: string): string {
  return v.replace(/^ +| +$/g, "");
}

/**
 * IB exchange code: a short word of capitals, digits and dots (SMART, NASDAQ, ENEXT.BE). Lower case is accepted and
 * upper-cased here, so every handler sends IB the same spelling. These alphabets are what keeps a NUL (the TWS field
 * separator) or any other control character out of a request; connector/ib/wire-guard.ts checks again at the wire.
 */
export const ExchangeField = z
  .string()
  .overwrite(trimSpaces)
  .min(1, "exchange must not be empty")
  .max(16, "exchange is an IB exchange code of at most 16 characters, such as SMART")
  .regex(/^[A-Za-z][A-Za-z0-9.]*$/, "exchange is an IB exchange code such as SMART, NASDAQ, CME, EUREX")
  .toUpperCase()
  .describe("IB exchange code; SMART routes");

/** Three-letter ISO currency code; lower case is upper-cased. */
export const CurrencyField = z
  .string()
  .overwrite(trimSpaces)
  .regex(/^[A-Za-z]{3}$/, "currency is a three-letter ISO code such as USD or EUR")
  .toUpperCase();

/** An IB security type code as the order tools take it (STK, OPT, FUT...); lower case is upper-cased. */
export const SecTypeCode = z
  .string()
  .overwrite(trimSpaces)
  .regex(/^[A-Za-z]{2,8}$/, "sec_type is an IB security type such as STK, OPT or FUT")
  .toUpperCase();

export const TradingClassField = z
  .string()
  .max(32, "trading_class is at most 32 characters")
  .regex(/^[A-Za-z0-9 ]*$/, "trading_class is a class such as SPXW");

/** One IB account id (DU1234567, U7654321). */
export const AccountId = z
  .string()
  .overwrite(trimSpaces)
  .min(1, "account must not be empty")
  .max(32, "account is at most 32 characters")
  .regex(/^[A-Za-z0-9]+$/, "account is an IB account id such as DU1234567");

export const AccountField = z
  .string()
  .max(32, "account is at most 32 characters")
  .regex(/^[A-Za-z0-9]*$/, "account is an IB account id such as DU1234567, or empty for all")
  .describe("IB account id; empty for all");

/** What IB's symbol search takes: a symbol prefix or words of a company name (Latin letters, digits, punctuation). */
export const SearchPatternField = z
  .string()
  .min(1, "pattern must not be empty")
  .max(64, "pattern is at most 64 characters")
  .regex(
    /^[A-Za-z0-9\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u00FF .,&'()/:!#@+-]+$/,
    "pattern is a symbol prefix or company name: letters, digits, spaces and . , & ' ( ) / : ! # @ + - only",
  );

/** A news provider code (BRFG, DJNL). */
export const ProviderCodeField = z
  .string()
  .min(1)
  .max(16)
  .regex(/^[A-Za-z0-9_]+$/, "providerCode is a code such as BRFG or DJNL");

/** News provider codes joined by '+' (BRFG+DJNL); empty for all. */
export const ProviderCodesField = z
  .string()
  .max(128, "provider_codes is at most 128 characters")
  .regex(/^[A-Za-z0-9_+]*$/, "provider_codes is a '+'-separated list such as BRFG+DJNL");

/** An article id as IB's headlines give it (BRFG$1a2b3c4d, DJ-N$...). */
export const ArticleIdField = z
  .string()
  .min(1, "articleId must not be empty")
  .max(128, "articleId is at most 128 characters")
  .regex(/^[A-Za-z0-9$._:+/=#-]+$/, "articleId is an id from get_historical_news, such as BRFG$1a2b3c4d");

/** Any text without C0 controls (NUL, line breaks), DEL or C1 controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const PRINTABLE = /^[^\u0000-\u001f\u007f-\u009f]*$/;

/** Free text for the audit log only: any printable text, no control characters (no line breaks or NUL). */
export function printableText(field: string, max: number) {
  return z
    .string()
    .max(max, `${field} is at most ${max} characters`)
    .regex(PRINTABLE, `${field} must not contain control characters or line breaks`);
}

/** An order token as preview_order issues it: base64url payload, a dot, base64url signature. */
export const OrderTokenField = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "token is the token preview_order returned, unchanged");

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
