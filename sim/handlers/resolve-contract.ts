import type { SimConnection } from "../connection.ts";
import type { Instrument } from "../universe/instrument.ts";
import { type ContractFilter, matchContracts } from "../universe/instruments.ts";

export const NO_SECURITY = "No security definition has been found for the request";

/** The one instrument a request names; otherwise IB's error 200 (none found, or ambiguous) and undefined. */
export function resolveContract(
  conn: SimConnection,
  reqId: number,
  q: ContractFilter,
): Instrument | undefined {
  const hits = matchContracts(q);
  if (hits.length === 1) return hits[0];
  if (hits.length === 0) {
    conn.error(reqId, 200, NO_SECURITY);
  } else {
    conn.error(
      reqId,
      200,
      `The contract description specified for ${q.symbol || q.localSymbol} is ambiguous (${hits.length} matches); add secType, expiry, strike, right or use a conId`,
    );
  }
  return undefined;
}
