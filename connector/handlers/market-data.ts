import { setMaxListeners } from "node:events";
import { IbMcpError, toIbMcpError } from "../../shared/errors.ts";
import type { ContractSummary } from "../../shared/schemas/fields.ts";
import type { MarketDataTypeChoice, Quote } from "../../shared/schemas/market-data.ts";
import type { Snapshot, SnapshotMethod } from "../ib/client.ts";
import type { HandlerContext } from "./context.ts";

/**
 * A snapshot of the chosen data type; "auto" asks for live data and, when IB refuses it for lack of a
 * subscription (354, 10089, 10168, ...), asks again for delayed data.
 */
export async function snapshotOf(
  contract: ContractSummary,
  choice: MarketDataTypeChoice,
  ctx: HandlerContext,
  how: SnapshotMethod = "snapshot",
): Promise<Snapshot> {
  if (choice !== "auto") return ctx.ib.marketDataSnapshot(contract, choice, ctx, how);
  try {
    return await ctx.ib.marketDataSnapshot(contract, "live", ctx, how);
  } catch (err) {
    if (!(err instanceof IbMcpError) || err.code !== "NO_MARKET_DATA_PERMISSION") throw err;
    return ctx.ib.marketDataSnapshot(contract, "delayed", ctx, how);
  }
}

/** A snapshot as the shared Quote shape. */
export function toQuote(contract: ContractSummary, s: Snapshot): Quote {
  return { contract, dataType: s.dataType, ...s.fields };
}

/** A failed item of a batch, by the name the caller used. */
export interface Failure {
  symbol: string;
  code: string;
  message: string;
}

/**
 * Runs `work` for every item at once (the pacer queues what IB would refuse) and splits results from failures.
 * When every item failed, the first failure is thrown: one bad symbol should read as an error, not an empty list.
 */
export async function settleAll<I, R>(
  items: readonly I[],
  nameOf: (item: I) => string,
  work: (item: I) => Promise<R>,
  signal: AbortSignal,
): Promise<{ results: R[]; failures: Failure[] }> {
  // every item's requests listen to the one call's deadline: many listeners are expected here, not a leak
  setMaxListeners(Math.max(10, items.length * 8), signal);
  const settled = await Promise.allSettled(items.map(work));
  const results: R[] = [];
  const failures: Failure[] = [];
  const errors: IbMcpError[] = [];
  settled.forEach((s, i) => {
    if (s.status === "fulfilled") {
      results.push(s.value);
      return;
    }
    const err = toIbMcpError(s.reason);
    errors.push(err);
    failures.push({ symbol: nameOf(items[i] as I), code: err.code, message: err.message });
  });
  if (results.length === 0 && errors[0]) throw errors[0];
  return { results, failures };
}
