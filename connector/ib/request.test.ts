import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startDeadline } from "../../shared/deadline.ts";
import { createPacer } from "../pacing/index.ts";
import { createRequestCache } from "../request-cache.ts";
import { InFlight } from "./in-flight.ts";
import type { IbLink } from "./link.ts";
import { createCall } from "./request.ts";
import type { IbSession } from "./session.ts";

/** A session that is up; the work in these tests never touches the link. */
const upSession = { link: () => ({}) as IbLink, inFlight: new InFlight() } as unknown as IbSession;

describe("the paced call of a shared run", () => {
  it("keeps waiting for pacing past its first caller's deadline when a caller with more time joined", async () => {
    const pacer = createPacer({ maxMarketDataLines: 1 });
    const call = createCall(() => upSession, pacer);
    const cache = createRequestCache<string>({ ttlMs: 0 });
    // the one market data line is busy for a while: the shared snapshot must queue for it
    const release = await pacer.acquire({ kind: "marketData" }, Date.now() + 10_000);
    setTimeout(release, 300);
    const short = startDeadline(60);
    const long = startDeadline(5_000);
    const snapshot = (scope: { signal: AbortSignal; deadlineAt: number }) =>
      cache.get("AAPL", scope, (run) => call("AAPL", { kind: "marketData" }, run, async () => "quote"));
    const first = snapshot(short);
    const second = snapshot(long);
    await assert.rejects(first, { code: "TIMEOUT" });
    assert.equal(await second, "quote");
    short.dispose();
    long.dispose();
  });
});
