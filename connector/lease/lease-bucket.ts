import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Logger } from "pino";
import { IbMcpError } from "../../shared/errors.ts";
import { openBucket } from "../kv/open-bucket.ts";

/** Opens (or creates) the lease bucket and reads its TTL, which must exist: a lease without one never lapses. */
export async function openLeaseBucket(
  nc: NatsConnection,
  bucketName: string,
  opts: { ttlMs: number; replicas?: number; logger?: Logger },
): Promise<{ kv: KV; ttl: number }> {
  // A JetStream request can go unanswered after a server restart; the default 5 s wait would outlast
  // the lease itself, so every KV call here gives up within a quarter TTL and the loop tries again.
  const kv = await openBucket(nc, bucketName, {
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
  return { kv, ttl };
}
