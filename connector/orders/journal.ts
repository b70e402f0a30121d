import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Logger } from "pino";
import { z } from "zod";
import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import { openBucket } from "../kv/open-bucket.ts";

/** What was sent for a token: the IB order ids, written before the first byte of the order leaves. */
export const JournalRecord = z.object({
  orderId: z.number().int(),
  childOrderIds: z.array(z.number().int()),
});
export type JournalRecord = z.infer<typeof JournalRecord>;

/**
 * Token (orderRef) → the order ids it was sent as. It outlives a connector restart when NATS is there (a
 * JetStream KV bucket), so a retry after a crash mid-submit finds the order by id even where IB does not echo
 * the orderRef, and never sends it twice. In memory only without NATS.
 */
export interface PlacementJournal {
  get(orderRef: string): Promise<JournalRecord | undefined>;
  /** Records a token as sent; refused with INVALID_ARGUMENT when it already is (another process sent it first). */
  put(orderRef: string, record: JournalRecord): Promise<void>;
}

function alreadySent(r: JournalRecord | undefined): IbMcpError {
  return new IbMcpError(
    "INVALID_ARGUMENT",
    `this token was already sent${r ? ` as order ${r.orderId}` : ""} (by this or another connector of the mode); it is not sent again. Check the open orders`,
  );
}

// JetStream's "wrong last sequence": the key exists, someone wrote it first
const conflictCodes = new Set([10071, 10164]);

/** A journal in this process's memory. */
export function memoryJournal(): PlacementJournal {
  const records = new Map<string, JournalRecord>();
  return {
    get: async (ref) => records.get(ref),
    put: async (ref, r) => {
      if (records.has(ref)) throw alreadySent(records.get(ref));
      records.set(ref, r);
    },
  };
}

/** Longer than any token lives; the bucket forgets older records by itself. */
const JOURNAL_TTL_MS = 24 * 60 * 60 * 1000;
const decoder = new TextDecoder();

/** A journal in the JetStream KV bucket `ib-mcp-orders-<mode>` (created on first use). */
export function kvJournal(
  nc: NatsConnection,
  mode: TradingMode,
  opts: { replicas?: number; logger?: Logger } = {},
): PlacementJournal {
  let bucket: Promise<KV> | undefined;
  const kv = () => {
    bucket ??= openBucket(nc, `ib-mcp-orders-${mode}`, {
      replicas: opts.replicas ?? 1,
      ttlMs: JOURNAL_TTL_MS,
      timeoutMs: 2_000,
      logger: opts.logger,
    });
    bucket.catch(() => {
      bucket = undefined;
    });
    return bucket;
  };
  const unavailable = (err: unknown) =>
    new IbMcpError(
      "CONNECTOR_UNAVAILABLE",
      "the order journal (JetStream KV) did not answer, so the order was not sent; retry in a few seconds",
      { cause: err, retryAfterMs: 2_000 },
    );
  return {
    async get(ref) {
      try {
        const entry = await (await kv()).get(ref);
        if (entry?.operation !== "PUT") return undefined;
        return JournalRecord.parse(JSON.parse(decoder.decode(entry.value)));
      } catch (err) {
        throw unavailable(err);
      }
    },
    async put(ref, record) {
      try {
        // create, not put: of two connectors racing with one token only the first may send it
        await (await kv()).create(ref, JSON.stringify(record));
      } catch (err) {
        if (conflictCodes.has((err as { code?: number }).code ?? 0)) throw alreadySent(undefined);
        throw unavailable(err);
      }
    },
  };
}
