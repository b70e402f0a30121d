import { type KV, KvWatchInclude } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Logger } from "pino";
import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import { openBucket } from "../kv/open-bucket.ts";
import { decodeLeaseValue, encodeLeaseValue, type LeaseValue } from "./lease-value.ts";

export const defaultLeaseBucket = "ib_mcp_leases";

export interface LeaseOptions {
  nc: NatsConnection;
  mode: TradingMode;
  /** Names the holder in the key's value: CONNECTOR_ID, or hostname:pid. */
  holderId: string;
  /** The bucket's TTL when this lease creates the bucket; an existing bucket's own TTL wins. */
  ttlMs: number;
  logger?: Logger;
  bucket?: string;
  /** Copies of the bucket (NATS_JS_REPLICAS); default 1. */
  replicas?: number;
}

export interface Lease {
  /** Resolves once this process holds the lease; until then it waits as a hot standby. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Called once per loss, before the key can lapse; the holder must drop its IB socket at once. */
  onLost(cb: (reason: string) => void): void;
  /** True while the lease is held and its last renewal is recent enough to be certain of it. */
  isHeld(): boolean;
  /** Who holds the lease now, as the key says; undefined when nobody does. */
  holder(): Promise<string | undefined>;
  /** Stops renewing and deletes the key (only if still ours), so a standby takes over at once. */
  release(): Promise<void>;
}

// JetStream's "wrong last sequence": the key changed since our revision, so someone else holds it.
const wrongLastSequence = 10071;
const codeOf = (err: unknown) => (err as { code?: unknown } | undefined)?.code;

/**
 * Timing, all measured on this process's monotonic clock (performance.now), never wall clocks:
 * - A write we send at local time s is stored by the server at some real time >= s, and the bucket's
 *   max_age removes it no earlier than ttl after storage. So after a renewal *sent* at s succeeds, nobody
 *   can create the key before s + ttl, whatever the network delay or the clocks of other hosts.
 * - The holder therefore trusts the lease until s + ttl - margin, with margin = ttl/4, and fires `lost`
 *   at that instant if no later renewal succeeded: the connector drops IB at least ttl/4 before a standby
 *   could take the key. isHeld() checks the same instant, so a stalled event loop (a late timer) still
 *   reads false in time.
 * - Renewals go every ttl/3 (each with a ttl/4 timeout), so two attempts fail before the lease is given up.
 * - A standby retries `create` when its watch shows a delete and otherwise every min(ttl/5, 1 s): an
 *   expiry by max_age produces no watch event, so only the poll sees it.
 * Assumed: the server's clock does not jump forward (that would expire the key early); IB's own clientId
 * check (error 326) is the last line of defence if it does.
 */
export function createLease(opts: LeaseOptions): Lease {
  const bucketName = opts.bucket ?? defaultLeaseBucket;
  const key = opts.mode;
  const log = opts.logger?.child({ component: "lease", bucket: bucketName, key });
  const lostCallbacks = new Set<(reason: string) => void>();
  const mono = () => performance.now();

  let kvPromise: Promise<{ kv: KV; ttl: number }> | undefined;
  let held = false;
  let revision = 0;
  let validUntil = 0;
  let takenAt = "";
  let renewTimer: NodeJS.Timeout | undefined;
  let lossTimer: NodeJS.Timeout | undefined;
  let stopWaiting: AbortController | undefined;

  const openKv = () => {
    kvPromise ??= (async () => {
      // A JetStream request can go unanswered after a server restart; the default 5 s wait would outlast
      // the lease itself, so every KV call here gives up within a quarter TTL and the loop tries again.
      const kv = await openBucket(opts.nc, bucketName, {
        replicas: opts.replicas ?? 1,
        ttlMs: opts.ttlMs,
        timeoutMs: Math.max(200, Math.min(opts.ttlMs / 4, 2_000)),
        logger: opts.logger,
      });
      const { ttl } = await kv.status();
      if (!(ttl > 0)) {
        throw new IbMcpError(
          "INTERNAL",
          `KV bucket ${bucketName} has no TTL, so a lease in it could never lapse; delete the bucket (nats kv del ${bucketName}) and the connector recreates it with LEASE_TTL_MS`,
        );
      }
      if (ttl !== opts.ttlMs)
        log?.warn({ bucketTtlMs: ttl, ttlMs: opts.ttlMs }, "existing bucket's TTL is used");
      return { kv, ttl };
    })();
    kvPromise.catch(() => {
      kvPromise = undefined;
    });
    return kvPromise;
  };

  const valueNow = (ttl: number): Uint8Array => {
    const value: LeaseValue = {
      holderId: opts.holderId,
      mode: opts.mode,
      takenAt,
      renewedAt: new Date().toISOString(),
      ttlMs: ttl,
    };
    return encodeLeaseValue(value);
  };

  const clearTimers = () => {
    clearTimeout(renewTimer);
    clearTimeout(lossTimer);
    renewTimer = lossTimer = undefined;
  };

  const lose = (reason: string) => {
    if (!held) return;
    held = false;
    clearTimers();
    log?.error({ reason }, "lease lost; stop serving and drop the IB socket");
    for (const cb of lostCallbacks) {
      try {
        cb(reason);
      } catch (err) {
        log?.error({ err }, "lease lost callback threw");
      }
    }
  };

  const trustUntil = (sentAt: number, ttl: number) => {
    validUntil = sentAt + ttl - ttl / 4;
    clearTimeout(lossTimer);
    lossTimer = setTimeout(
      () => lose(`no renewal of the ${opts.mode} lease succeeded within ${Math.round((ttl * 3) / 4)} ms`),
      Math.max(0, validUntil - mono()),
    );
  };

  const scheduleRenew = (kv: KV, ttl: number, delayMs: number) => {
    clearTimeout(renewTimer);
    renewTimer = setTimeout(() => void renew(kv, ttl), delayMs);
  };

  const renew = async (kv: KV, ttl: number) => {
    const sentAt = mono();
    const from = revision;
    try {
      const next = await kv.update(key, valueNow(ttl), from, ttl / 4);
      if (!held || revision !== from) {
        // We gave the lease up while this write was in flight; undo it so a standby need not wait a TTL.
        await kv.delete(key, { previousSeq: next }).catch(() => undefined);
        return;
      }
      revision = next;
      trustUntil(sentAt, ttl);
      scheduleRenew(kv, ttl, ttl / 3);
    } catch (err) {
      if (!held || revision !== from) return;
      if (codeOf(err) === wrongLastSequence) {
        lose(`another connector took the ${opts.mode} lease`);
        return;
      }
      log?.warn({ err }, "lease renewal failed; retrying");
      scheduleRenew(kv, ttl, Math.min(ttl / 10, 500));
    }
  };

  const holder = async () => {
    const { kv } = await openKv();
    const entry = await kv.get(key);
    if (entry?.operation !== "PUT") return undefined;
    return decodeLeaseValue(entry.value)?.holderId ?? "(unreadable lease value)";
  };

  return {
    async acquire(signal) {
      if (held) return;
      stopWaiting?.abort();
      const stop = new AbortController();
      stopWaiting = stop;
      const onAbort = () => stop.abort();
      signal?.addEventListener("abort", onAbort, { once: true });
      let watcher: { stop(): void } | undefined;
      try {
        const { kv, ttl } = await openKv();
        const pollMs = Math.min(ttl / 5, 1_000);
        let nudge: (() => void) | undefined;
        watcher = await kv
          .watch({ key, include: KvWatchInclude.UpdatesOnly })
          .then((iter) => {
            void (async () => {
              for await (const e of iter) if (e.operation !== "PUT") nudge?.();
            })().catch(() => undefined);
            return iter;
          })
          .catch((err) => {
            log?.warn({ err }, "cannot watch the lease key; polling only");
            return undefined;
          });
        /** Waits for a delete on the key (from the watch), the poll interval, or an abort. */
        const next = () =>
          new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              stop.signal.removeEventListener("abort", done);
              nudge = undefined;
              resolve();
            };
            const timer = setTimeout(done, pollMs);
            stop.signal.addEventListener("abort", done, { once: true });
            nudge = done;
          });
        let announced = false;
        for (;;) {
          if (stop.signal.aborted) {
            throw new IbMcpError("CONNECTOR_UNAVAILABLE", `stopped waiting for the ${opts.mode} lease`, {
              cause: signal?.reason,
            });
          }
          const sentAt = mono();
          takenAt = new Date().toISOString();
          try {
            revision = await kv.create(key, valueNow(ttl));
            if (stop.signal.aborted) {
              await kv.delete(key, { previousSeq: revision }).catch(() => undefined);
              continue;
            }
            held = true;
            trustUntil(sentAt, ttl);
            scheduleRenew(kv, ttl, ttl / 3);
            log?.info({ holderId: opts.holderId, ttlMs: ttl }, "lease acquired");
            return;
          } catch (err) {
            if (codeOf(err) !== wrongLastSequence) log?.warn({ err }, "lease create failed; retrying");
            else if (!announced) {
              announced = true;
              log?.info(
                { holder: await holder().catch(() => undefined) },
                "lease held elsewhere; standing by",
              );
            }
          }
          await next();
        }
      } finally {
        watcher?.stop();
        signal?.removeEventListener("abort", onAbort);
        if (stopWaiting === stop) stopWaiting = undefined;
      }
    },
    onLost(cb) {
      lostCallbacks.add(cb);
    },
    isHeld() {
      return held && mono() < validUntil;
    },
    holder,
    async release() {
      stopWaiting?.abort();
      if (!held) return;
      held = false;
      clearTimers();
      const from = revision;
      revision = 0;
      const { kv } = await openKv();
      await kv.delete(key, { previousSeq: from }).catch((err) => {
        log?.warn({ err }, "could not delete the lease key; a standby takes over when it lapses");
      });
      log?.info("lease released");
    },
  };
}
