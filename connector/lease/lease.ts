import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Logger } from "pino";
import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import { openLeaseBucket } from "./lease-bucket.ts";
import { decodeLeaseValue, encodeLeaseValue, type LeaseValue } from "./lease-value.ts";
import { watchStandby } from "./standby-wait.ts";

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
const mono = () => performance.now();

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
  return new LeaseImpl(opts);
}

class LeaseImpl implements Lease {
  readonly #opts: LeaseOptions;
  readonly #bucketName: string;
  readonly #key: string;
  readonly #log: Logger | undefined;
  readonly #lostCallbacks = new Set<(reason: string) => void>();
  #kvPromise: Promise<{ kv: KV; ttl: number }> | undefined;
  #held = false;
  #revision = 0;
  #validUntil = 0;
  #takenAt = "";
  #renewTimer: NodeJS.Timeout | undefined;
  #lossTimer: NodeJS.Timeout | undefined;
  #stopWaiting: AbortController | undefined;

  constructor(opts: LeaseOptions) {
    this.#opts = opts;
    this.#bucketName = opts.bucket ?? defaultLeaseBucket;
    this.#key = opts.mode;
    this.#log = opts.logger?.child({ component: "lease", bucket: this.#bucketName, key: this.#key });
  }

  #openKv(): Promise<{ kv: KV; ttl: number }> {
    this.#kvPromise ??= openLeaseBucket(this.#opts.nc, this.#bucketName, this.#opts).then((opened) => {
      if (opened.ttl !== this.#opts.ttlMs)
        this.#log?.warn(
          { bucketTtlMs: opened.ttl, ttlMs: this.#opts.ttlMs },
          "existing bucket's TTL is used",
        );
      return opened;
    });
    this.#kvPromise.catch(() => {
      this.#kvPromise = undefined;
    });
    return this.#kvPromise;
  }

  #valueNow(ttl: number): Uint8Array {
    const value: LeaseValue = {
      holderId: this.#opts.holderId,
      mode: this.#opts.mode,
      takenAt: this.#takenAt,
      renewedAt: new Date().toISOString(),
      ttlMs: ttl,
    };
    return encodeLeaseValue(value);
  }

  #clearTimers(): void {
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#lossTimer);
    this.#renewTimer = this.#lossTimer = undefined;
  }

  #lose(reason: string): void {
    if (!this.#held) return;
    this.#held = false;
    this.#clearTimers();
    this.#log?.error({ reason }, "lease lost; stop serving and drop the IB socket");
    for (const cb of this.#lostCallbacks) {
      try {
        cb(reason);
      } catch (err) {
        this.#log?.error({ err }, "lease lost callback threw");
      }
    }
  }

  #trustUntil(sentAt: number, ttl: number): void {
    this.#validUntil = sentAt + ttl - ttl / 4;
    clearTimeout(this.#lossTimer);
    this.#lossTimer = setTimeout(
      () =>
        this.#lose(
          `no renewal of the ${this.#opts.mode} lease succeeded within ${Math.round((ttl * 3) / 4)} ms`,
        ),
      Math.max(0, this.#validUntil - mono()),
    );
  }

  #scheduleRenew(kv: KV, ttl: number, delayMs: number): void {
    clearTimeout(this.#renewTimer);
    this.#renewTimer = setTimeout(() => void this.#renew(kv, ttl), delayMs);
  }

  async #renew(kv: KV, ttl: number): Promise<void> {
    const sentAt = mono();
    const from = this.#revision;
    try {
      const next = await kv.update(this.#key, this.#valueNow(ttl), from, ttl / 4);
      if (!this.#held || this.#revision !== from) {
        // We gave the lease up while this write was in flight; undo it so a standby need not wait a TTL.
        await kv.delete(this.#key, { previousSeq: next }).catch(() => undefined);
        return;
      }
      this.#revision = next;
      this.#trustUntil(sentAt, ttl);
      this.#scheduleRenew(kv, ttl, ttl / 3);
    } catch (err) {
      if (!this.#held || this.#revision !== from) return;
      if (codeOf(err) === wrongLastSequence) {
        this.#lose(`another connector took the ${this.#opts.mode} lease`);
        return;
      }
      this.#log?.warn({ err }, "lease renewal failed; retrying");
      this.#scheduleRenew(kv, ttl, Math.min(ttl / 10, 500));
    }
  }

  /** One attempt to create the key: true once held; false when someone else holds it or the write failed. */
  async #tryTake(kv: KV, ttl: number, stop: AbortSignal, announce: () => Promise<void>): Promise<boolean> {
    const sentAt = mono();
    this.#takenAt = new Date().toISOString();
    try {
      this.#revision = await kv.create(this.#key, this.#valueNow(ttl));
      if (stop.aborted) {
        await kv.delete(this.#key, { previousSeq: this.#revision }).catch(() => undefined);
        return false;
      }
      this.#held = true;
      this.#trustUntil(sentAt, ttl);
      this.#scheduleRenew(kv, ttl, ttl / 3);
      this.#log?.info({ holderId: this.#opts.holderId, ttlMs: ttl }, "lease acquired");
      return true;
    } catch (err) {
      if (codeOf(err) !== wrongLastSequence) this.#log?.warn({ err }, "lease create failed; retrying");
      else await announce();
      return false;
    }
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    if (this.#held) return;
    this.#stopWaiting?.abort();
    const stop = new AbortController();
    this.#stopWaiting = stop;
    const onAbort = () => stop.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    let standby: { stop(): void } | undefined;
    try {
      const { kv, ttl } = await this.#openKv();
      const wait = await watchStandby(kv, this.#key, this.#log);
      standby = wait;
      let announced = false;
      const announce = async () => {
        if (announced) return;
        announced = true;
        const holder = await this.holder().catch(() => undefined);
        this.#log?.info({ holder }, "lease held elsewhere; standing by");
      };
      for (;;) {
        if (stop.signal.aborted) {
          throw new IbMcpError("CONNECTOR_UNAVAILABLE", `stopped waiting for the ${this.#opts.mode} lease`, {
            cause: signal?.reason,
          });
        }
        if (await this.#tryTake(kv, ttl, stop.signal, announce)) return;
        if (!stop.signal.aborted) await wait.next(Math.min(ttl / 5, 1_000), stop.signal);
      }
    } finally {
      standby?.stop();
      signal?.removeEventListener("abort", onAbort);
      if (this.#stopWaiting === stop) this.#stopWaiting = undefined;
    }
  }

  onLost(cb: (reason: string) => void): void {
    this.#lostCallbacks.add(cb);
  }

  isHeld(): boolean {
    return this.#held && mono() < this.#validUntil;
  }

  holder = async (): Promise<string | undefined> => {
    const { kv } = await this.#openKv();
    const entry = await kv.get(this.#key);
    if (entry?.operation !== "PUT") return undefined;
    return decodeLeaseValue(entry.value)?.holderId ?? "(unreadable lease value)";
  };

  async release(): Promise<void> {
    this.#stopWaiting?.abort();
    if (!this.#held) return;
    this.#held = false;
    this.#clearTimers();
    const from = this.#revision;
    this.#revision = 0;
    const { kv } = await this.#openKv();
    await kv.delete(this.#key, { previousSeq: from }).catch((err) => {
      this.#log?.warn({ err }, "could not delete the lease key; a standby takes over when it lapses");
    });
    this.#log?.info("lease released");
  }
}
