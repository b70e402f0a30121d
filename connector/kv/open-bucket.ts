import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Logger } from "pino";

export interface BucketOptions {
  /** Copies of the bucket's stream (NATS_JS_REPLICAS): 1 on a lone server, 3 on a cluster. */
  replicas: number;
  /** Max age of a value; absent means values never lapse. */
  ttlMs?: number;
  history?: number;
  /** Deadline of every JetStream request made through the returned bucket. */
  timeoutMs: number;
  logger?: Logger;
}

/** The stream behind a KV bucket; operators name it in `nats stream` commands. */
export const kvStreamName = (bucket: string): string => `KV_${bucket}`;

/** What an operator runs to give an existing bucket more replicas (the NATS CLI, as a system or admin user). */
export const raiseReplicasCommand = (bucket: string, replicas: number): string =>
  `nats stream edit ${kvStreamName(bucket)} --replicas ${replicas} --force`;

/** The JetStream error of a stream asking for more replicas than the cluster (or a lone server) has. */
export function replicasError(bucket: string, replicas: number, err: unknown): Error {
  return new Error(
    `cannot create KV bucket ${bucket} with NATS_JS_REPLICAS=${replicas}: ${(err as Error)?.message ?? err}; ` +
      `a lone nats-server takes only 1, a cluster at most its number of JetStream servers`,
    { cause: err },
  );
}

const looksLikeReplicaRefusal = (err: unknown) =>
  /replica|insufficient resources|non-clustered|no suitable peers/i.test((err as Error)?.message ?? "");

/**
 * Opens a KV bucket, creating it with `replicas` copies if it is missing. A bucket that exists with fewer
 * replicas (made before NATS_JS_REPLICAS was raised) is raised to `replicas` in place; when the server refuses
 * (permissions, too few servers) the bucket is used as it is and the log says the exact command to run.
 * Fewer replicas than asked is never fatal: the bucket works, it only survives fewer node losses.
 */
export async function openBucket(nc: NatsConnection, name: string, opts: BucketOptions): Promise<KV> {
  const js = jetstream(nc, { timeout: opts.timeoutMs });
  let kv: KV;
  try {
    kv = await new Kvm(js).create(name, {
      replicas: opts.replicas,
      history: opts.history ?? 1,
      ...(opts.ttlMs ? { ttl: opts.ttlMs } : {}),
    });
  } catch (err) {
    throw opts.replicas > 1 && looksLikeReplicaRefusal(err) ? replicasError(name, opts.replicas, err) : err;
  }
  const status = await kv.status();
  if (status.replicas < opts.replicas) await raiseReplicas(nc, name, status.replicas, opts);
  return kv;
}

async function raiseReplicas(nc: NatsConnection, name: string, had: number, opts: BucketOptions) {
  const log = opts.logger?.child({ component: "kv", bucket: name });
  try {
    const jsm = await jetstreamManager(nc, { timeout: opts.timeoutMs });
    const info = await jsm.streams.info(kvStreamName(name));
    await jsm.streams.update(kvStreamName(name), { ...info.config, num_replicas: opts.replicas });
    log?.info({ from: had, to: opts.replicas }, "raised the bucket's replicas to NATS_JS_REPLICAS");
  } catch (err) {
    log?.warn(
      { err, replicas: had, wanted: opts.replicas, run: raiseReplicasCommand(name, opts.replicas) },
      `KV bucket ${name} has ${had} replica(s), fewer than NATS_JS_REPLICAS=${opts.replicas}, and could not be raised; run: ${raiseReplicasCommand(name, opts.replicas)}`,
    );
  }
}
