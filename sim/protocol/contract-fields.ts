import type { Instrument } from "../universe/instrument.ts";
import type { Field } from "./field-writer.ts";

/**
 * The eleven contract fields that position, portfolio, openOrder and execDetails messages share, in IB's order.
 * `exchange` differs by message: IB names the primary exchange where a SMART-routed contract is reported.
 */
export function contractFields(i: Instrument, exchange: string = i.exchange): Field[] {
  return [
    i.conId,
    i.symbol,
    i.secType,
    i.lastTradeDateOrContractMonth,
    i.strike,
    i.right,
    i.multiplier,
    exchange,
    i.currency,
    i.localSymbol,
    i.tradingClass,
  ];
}
