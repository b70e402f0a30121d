import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { type NatsServerHandle, startNatsServer } from "../../test/support/nats-server.ts";
import { createLease, type Lease } from "./lease.ts";
import { decodeLeaseValue } from "./lease-value.ts";

const TTL = 1_500;

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Samples both leases every 5 ms and records any instant at which both claim to hold. */
function watchOverlap(a: Lease, b: Lease) {
  let overlaps = 0;
  const timer = setInterval(() => {
    if (a.isHeld() && b.isHeld()) overlaps++;
  }, 5);
  return {
    stop: () => {
      clearInterval(timer);
      return overlaps;
    },
  };
}

describe("lease on a real nats-server", () => {
  let server: NatsServerHandle;
  const conns: NatsConnection[] = [];
  let bucketSeq = 0;

  const conn = async () => {
    const nc = await connect({ servers: server.url, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    conns.push(nc);
    return nc;
  };
  const pair = async () => {
    const bucket = `lease_test_${++bucketSeq}`;
    const [ncA, ncB] = [await conn(), await conn()];
    const a = createLease({ nc: ncA, mode: "paper", holderId: "conn-a", ttlMs: TTL, bucket });
    const b = createLease({ nc: ncB, mode: "paper", holderId: "conn-b", ttlMs: TTL, bucket });
    return { a, b, ncA, ncB, bucket };
  };

  before(async () => {
    server = await startNatsServer();
  });
  after(async () => {
    await Promise.all(conns.map((nc) => nc.close().catch(() => undefined)));
    await server.stop();
  });

  it("lets one connector hold the lease while a second waits, with a readable value", async () => {
    const { a, b, ncA, bucket } = await pair();
    await within(a.acquire(), 3_000, "first acquire");
    const ctl = new AbortController();
    const waiting = b.acquire(ctl.signal);
    let bResolved = false;
    waiting.then(
      () => {
        bResolved = true;
      },
      () => undefined,
    );
    await sleep(TTL * 2);
    assert.equal(bResolved, false, "the standby must not acquire while the holder renews");
    assert.equal(a.isHeld(), true);
    assert.equal(b.isHeld(), false);
    assert.equal(await b.holder(), "conn-a");
    const kv = await new Kvm(ncA).open(bucket);
    const entry = await kv.get("paper");
    const value = entry ? decodeLeaseValue(entry.value) : undefined;
    assert.equal(value?.holderId, "conn-a");
    assert.equal(value?.mode, "paper");
    assert.ok(value && Date.parse(value.renewedAt) > Date.parse(value.takenAt), "renewals update the value");
    ctl.abort();
    await assert.rejects(waiting, { name: "IbMcpError", code: "CONNECTOR_UNAVAILABLE" });
    await a.release();
  });

  it("hands over within TTL + 2 s when the holder's connection dies without a release", async () => {
    const { a, b, ncA } = await pair();
    await within(a.acquire(), 3_000, "first acquire");
    const lost: string[] = [];
    a.onLost((reason) => lost.push(reason));
    const overlap = watchOverlap(a, b);
    const waiting = b.acquire();
    await sleep(200);
    const killedAt = performance.now();
    await ncA.close();
    await within(waiting, TTL + 2_000, "takeover");
    const tookOverAfter = performance.now() - killedAt;
    assert.equal(b.isHeld(), true);
    assert.equal(a.isHeld(), false);
    assert.equal(lost.length, 1, "the dead holder was told it lost the lease");
    assert.equal(overlap.stop(), 0, "never two holders");
    assert.ok(
      tookOverAfter > TTL / 2,
      `took over after ${tookOverAfter} ms, before the old lease could lapse`,
    );
    assert.equal(await b.holder(), "conn-b");
    await b.release();
  });

  it("hands over at once on a graceful release", async () => {
    const { a, b } = await pair();
    await within(a.acquire(), 3_000, "first acquire");
    const overlap = watchOverlap(a, b);
    const waiting = b.acquire();
    await sleep(300);
    const releasedAt = performance.now();
    await a.release();
    await within(waiting, TTL / 2, "takeover after release");
    const tookOverAfter = performance.now() - releasedAt;
    assert.ok(tookOverAfter < TTL / 3, `took over ${tookOverAfter} ms after the release`);
    assert.equal(overlap.stop(), 0, "never two holders");
    assert.equal(await a.holder(), "conn-b");
    await b.release();
    assert.equal(await a.holder(), undefined);
  });

  it("drops the lease at the next renewal when someone else overwrote the key", async () => {
    const { a, ncB, bucket } = await pair();
    await within(a.acquire(), 3_000, "acquire");
    const lost = new Promise<string>((resolve) => a.onLost(resolve));
    const kv = await new Kvm(ncB).open(bucket);
    await kv.purge("paper");
    await kv.create("paper", new TextEncoder().encode("operator"));
    const reason = await within(lost, TTL, "lost");
    assert.match(reason, /another connector took the paper lease/);
    assert.equal(a.isHeld(), false);
    assert.equal(await a.holder(), "(unreadable lease value)");
    await kv.purge("paper");
  });

  it("tells the holder it lost the lease before the TTL lapses when renewals fail", async () => {
    const own = await startNatsServer();
    const nc = await connect({ servers: own.url, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    try {
      const a = createLease({ nc, mode: "live", holderId: "conn-a", ttlMs: TTL });
      await within(a.acquire(), 3_000, "acquire");
      const lostAt = new Promise<number>((resolve) => a.onLost(() => resolve(performance.now())));
      await sleep(100);
      const stoppedAt = performance.now();
      await own.stop();
      const lostAfter = (await within(lostAt, TTL * 2, "lost")) - stoppedAt;
      // The last renewal was sent before the stop, so the key lapses no earlier than TTL after it.
      assert.ok(lostAfter < TTL, `lost ${lostAfter} ms after renewals stopped, TTL ${TTL} ms`);
      assert.equal(a.isHeld(), false);
    } finally {
      await nc.close().catch(() => undefined);
      await own.stop();
    }
  });
});
