import { SimProtocolError } from "../errors.ts";
import type { Fields } from "./framing.ts";

/** Reads typed fields from one client message in order; a missing field throws, extra fields are ignored. */
export class FieldReader {
  private i = 0;
  constructor(private readonly fields: Fields) {}

  str(): string {
    const v = this.fields[this.i];
    if (v === undefined) throw new SimProtocolError(`truncated message: field ${this.i} missing`);
    this.i++;
    return v;
  }

  int(): number {
    const s = this.str();
    if (s === "") return 0;
    const n = Number.parseInt(s, 10);
    if (Number.isNaN(n)) throw new SimProtocolError(`field ${this.i - 1} is not an integer: "${s}"`);
    return n;
  }

  num(): number {
    const s = this.str();
    if (s === "") return 0;
    const n = Number.parseFloat(s);
    if (Number.isNaN(n)) throw new SimProtocolError(`field ${this.i - 1} is not a number: "${s}"`);
    return n;
  }

  bool(): boolean {
    return this.int() !== 0;
  }

  skip(n = 1): void {
    for (let k = 0; k < n; k++) this.str();
  }

  /** How many fields remain unread. */
  get unread(): number {
    return this.fields.length - this.i;
  }

  /** True when fields remain. */
  get more(): boolean {
    return this.i < this.fields.length;
  }
}

/** The contract fields a client request carries (TWS field order). */
export interface ContractQuery {
  conId: number;
  symbol: string;
  secType: string;
  lastTradeDateOrContractMonth: string;
  strike: number;
  right: string;
  multiplier: string;
  exchange: string;
  primaryExchange: string;
  currency: string;
  localSymbol: string;
  tradingClass: string;
}

/** Reads conId..tradingClass in the order reqMktData, reqHistoricalData and reqContractDetails use. */
export function readContract(r: FieldReader): ContractQuery {
  return {
    conId: r.int(),
    symbol: r.str(),
    secType: r.str(),
    lastTradeDateOrContractMonth: r.str(),
    strike: r.num(),
    right: r.str(),
    multiplier: r.str(),
    exchange: r.str(),
    primaryExchange: r.str(),
    currency: r.str(),
    localSymbol: r.str(),
    tradingClass: r.str(),
  };
}
