import type { KV, KvEntry } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Logger } from "pino";
import { z } from "zod";
import type { TradingMode } from "../../shared/mode.ts";
import { openBucket } from "../kv/open-bucket.ts";
import { addNotional, type RiskStore, riskStoreUnavailable } from "./risk-state.ts";

/** The bucket of a mode's risk state; the NATS permissions in compose/nats/nats.conf name it. */
export const riskBucketName = (mode: TradingMode): string => `ib-mcp-risk-${mode}`;

const KILL_SWITCH_KEY = "kill_switch";
const dailyKey = (day: string) => `daily.${day}`;
const KillSwitchValue = z.object({ on: z.boolean(), at: z.string() });
const DailyValue = z.object({ used: z.number().nonnegative() });

// JetStream's "wrong last sequence": the key changed since the revision we read, so read again and retry
const conflictCodes = new Set([10071, 10164]);
const isConflict = (err: unknown) => conflictCodes.has((err as { code?: number } | undefined)?.code ?? 0);
/** Enough for every connector of a mode writing at once; beyond it the store is treated as unavailable. */
const MAX_CAS_ATTEMPTS = 25;
const decoder = new TextDecoder();

function decodeEntry<T>(entry: KvEntry | null, schema: z.ZodType<T>): T | undefined {
  if (entry?.operation !== "PUT") return undefined;
  return schema.parse(JSON.parse(decoder.decode(entry.value)));
}

/**
 * Risk state in the JetStream KV bucket `ib-mcp-risk-<mode>` (created on first use, no TTL: a kill switch must
 * not lapse; one small key per UTC day). The kill switch is read from the bucket on every check, so a standby
 * sees a switch thrown while it waited; daily totals change only by compare-and-set on their revision.
 */
export function kvRiskStore(
  nc: NatsConnection,
  mode: TradingMode,
  timeoutMs = 2_000,
  opts: { replicas?: number; logger?: Logger } = {},
): RiskStore {
  const bucketName = riskBucketName(mode);
  const name = `jetstream-kv:${bucketName}`;
  let bucket: Promise<KV> | undefined;
  const kv = () => {
    bucket ??= openBucket(nc, bucketName, { replicas: opts.replicas ?? 1, timeoutMs, logger: opts.logger });
    bucket.catch(() => {
      bucket = undefined;
    });
    return bucket;
  };
  const guarded = async <T>(work: (kv: KV) => Promise<T>): Promise<T> => {
    let store: KV;
    try {
      store = await kv();
    } catch (err) {
      throw riskStoreUnavailable(name, err);
    }
    return work(store);
  };
  const read = async <T>(store: KV, key: string, schema: z.ZodType<T>) => {
    try {
      const entry = await store.get(key);
      return { entry, value: decodeEntry(entry, schema) };
    } catch (err) {
      throw riskStoreUnavailable(name, err);
    }
  };

  return {
    name,
    killSwitch: () =>
      guarded(async (store) => (await read(store, KILL_SWITCH_KEY, KillSwitchValue)).value?.on ?? false),
    setKillSwitch: (on) =>
      guarded(async (store) => {
        try {
          await store.put(KILL_SWITCH_KEY, JSON.stringify({ on, at: new Date().toISOString() }));
        } catch (err) {
          throw riskStoreUnavailable(name, err);
        }
      }),
    dailyUsed: (day) =>
      guarded(async (store) => (await read(store, dailyKey(day), DailyValue)).value?.used ?? 0),
    addDaily: (day, delta, check) =>
      guarded(async (store) => {
        const key = dailyKey(day);
        for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
          const { entry, value } = await read(store, key, DailyValue);
          const used = value?.used ?? 0;
          check?.(used);
          const next = addNotional(used, delta);
          const data = JSON.stringify({ used: next });
          try {
            if (entry) await store.update(key, data, entry.revision);
            else await store.create(key, data);
            return next;
          } catch (err) {
            if (!isConflict(err)) throw riskStoreUnavailable(name, err);
          }
        }
        throw riskStoreUnavailable(name, new Error(`${MAX_CAS_ATTEMPTS} compare-and-set conflicts in a row`));
      }),
  };
}
