import { z } from "zod";
import { ContractSummary } from "./fields.ts";

/** What kind of data IB sent: live, frozen (last live values after the close), delayed or delayed-frozen. */
export const DataType = z.enum(["live", "frozen", "delayed", "delayed-frozen"]);
export type DataType = z.infer<typeof DataType>;

/** What the caller asks for; "auto" tries live and falls back to delayed without live permission. */
export const MarketDataTypeField = z
  .enum(["auto", "live", "frozen", "delayed", "delayed-frozen"])
  .default("auto")
  .describe("auto: live, or delayed without a live subscription");
export type MarketDataTypeChoice = z.infer<typeof MarketDataTypeField>;

/** Top of book and day statistics; a field is absent when IB sent no value for it. */
export const QuoteFields = z.object({
  bid: z.number().optional(),
  ask: z.number().optional(),
  last: z.number().optional(),
  bidSize: z.number().optional(),
  askSize: z.number().optional(),
  lastSize: z.number().optional(),
  volume: z.number().optional(),
  high: z.number().optional(),
  low: z.number().optional(),
  open: z.number().optional(),
  close: z.number().optional().describe("Previous session's close"),
});
export type QuoteFields = z.infer<typeof QuoteFields>;

/** IB's model values for an option (tick 13/83). */
export const OptionGreeks = z.object({
  impliedVol: z.number().optional(),
  delta: z.number().optional(),
  gamma: z.number().optional(),
  theta: z.number().optional(),
  vega: z.number().optional(),
  modelPrice: z.number().optional(),
  underlyingPrice: z.number().optional(),
});
export type OptionGreeks = z.infer<typeof OptionGreeks>;

/** One snapshot: the contract, what kind of data it is, and its fields. */
export const Quote = QuoteFields.extend({ contract: ContractSummary, dataType: DataType });
export type Quote = z.infer<typeof Quote>;

/** A symbol of a batch that failed, with the shared error code and why. */
export const QuoteFailure = z.object({ symbol: z.string(), code: z.string(), message: z.string() });

/** "bid 1.2 x 300 / ask 1.3 x 200, last 1.25, volume 1000, prev close 1.1" from whatever fields are present. */
export function formatQuoteLine(q: QuoteFields): string {
  const size = (s: number | undefined) => (s === undefined ? "" : ` x ${s}`);
  return [
    q.bid !== undefined ? `bid ${q.bid}${size(q.bidSize)}` : "",
    q.ask !== undefined ? `ask ${q.ask}${size(q.askSize)}` : "",
    q.last !== undefined ? `last ${q.last}${size(q.lastSize)}` : "",
    q.volume !== undefined ? `volume ${q.volume}` : "",
    q.high !== undefined && q.low !== undefined ? `range ${q.low}-${q.high}` : "",
    q.close !== undefined ? `prev close ${q.close}` : "",
  ]
    .filter(Boolean)
    .join(", ");
}
