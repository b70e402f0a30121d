import { IbMcpError } from "../shared/errors.ts";
import type { ContractSummary } from "../shared/schemas/fields.ts";
import type { IbClient, RequestScope } from "./ib/client.ts";
import type { ContractDetails } from "./ib/convert.ts";
import { createRequestCache } from "./request-cache.ts";

/** The instrument fields most tools take (shared/schemas/fields.ts instrumentFields, after defaults). */
export interface InstrumentArgs {
  symbol: string;
  sec_type: string;
  exchange: string;
  currency: string;
}

/** Contract definitions rarely change; an hour keeps lookups cheap, and reconnects clear it anyway. */
const CONTRACT_TTL_MS = 60 * 60 * 1000;

const conIdPattern = /^\d{1,12}$/;

/** The conId a symbol names when it is all digits ("265598"), else undefined. */
export function conIdOf(symbol: string): number | undefined {
  return conIdPattern.test(symbol.trim()) ? Number(symbol.trim()) : undefined;
}

/** How messages name an instrument: "AAPLX (STK on SMART, USD)" or "conId 265598". */
export function describeInstrument(a: InstrumentArgs): string {
  const conId = conIdOf(a.symbol);
  if (conId !== undefined) return `conId ${conId}`;
  return `${a.symbol.trim().toUpperCase()} (${a.sec_type} on ${a.exchange}, ${a.currency})`;
}

export interface ContractResolver {
  /** Every contract the instrument names; NOT_FOUND naming it when there is none. Cached and coalesced. */
  details(a: InstrumentArgs, scope: RequestScope): Promise<ContractDetails[]>;
  /** The first contract the instrument names: the one tools act on. */
  resolve(a: InstrumentArgs, scope: RequestScope): Promise<ContractSummary>;
  /** Drops every cached definition (after a reconnect or 1101). */
  clear(): void;
}

/**
 * The one contract cache: lookup_contract, ticker_to_conid, get_contract_details and every symbol→contract
 * resolution of the other tools share it. Keys: "conId:<n>" or "<SYMBOL>|<secType>|<exchange>|<currency>".
 */
export function createContractResolver(ib: IbClient, ttlMs = CONTRACT_TTL_MS): ContractResolver {
  const cache = createRequestCache<ContractDetails[]>({ ttlMs });

  async function details(a: InstrumentArgs, scope: RequestScope): Promise<ContractDetails[]> {
    const conId = conIdOf(a.symbol);
    const symbol = a.symbol.trim().toUpperCase();
    const exchange = a.exchange.toUpperCase();
    const currency = a.currency.toUpperCase();
    const key = conId !== undefined ? `conId:${conId}` : `${symbol}|${a.sec_type}|${exchange}|${currency}`;
    const subject = describeInstrument(a);
    // "no such contract" is cached too: tools that guess the security type ask for an index first
    const found = await cache.get(key, scope, (run) =>
      ib
        .contractDetails(
          conId !== undefined
            ? { conId, secType: a.sec_type, exchange, currency }
            : { symbol, secType: a.sec_type, exchange, currency },
          subject,
          run,
        )
        .catch((e: unknown) => {
          if (e instanceof IbMcpError && e.code === "NOT_FOUND") return [];
          throw e;
        }),
    );
    if (found.length === 0) throw new IbMcpError("NOT_FOUND", `No security definition for ${subject}`);
    return found;
  }

  return {
    details,
    async resolve(a, scope) {
      const [first] = await details(a, scope);
      if (!first) throw new IbMcpError("NOT_FOUND", `No security definition for ${describeInstrument(a)}`);
      return first.contract;
    },
    clear: () => cache.clear(),
  };
}
