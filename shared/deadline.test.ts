import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { abortable, LazyAbort, startDeadline, withinDeadline } from "./deadline.ts";
import type { IbMcpError } from "./errors.ts";

describe("deadline", () => {
  it("rejects with TIMEOUT when the work outlives the deadline", async () => {
    const d = startDeadline(30);
    const started = Date.now();
    await assert.rejects(
      abortable(new Promise(() => undefined), d.signal),
      (e: IbMcpError) => e.code === "TIMEOUT",
    );
    assert.ok(Date.now() - started < 1_000);
  });

  it("passes a result that comes in time", async () => {
    const d = startDeadline(1_000);
    assert.equal(await abortable(Promise.resolve("ok"), d.signal), "ok");
    d.dispose();
    assert.equal(d.signal.aborted, false);
  });

  it("withinDeadline rejects with TIMEOUT at expiry without ever making the signal", async () => {
    const d = startDeadline(30);
    await assert.rejects(
      withinDeadline(new Promise(() => undefined), d),
      (e: IbMcpError) => e.code === "TIMEOUT",
    );
    // a listener added after expiry hears it at once
    let heard: IbMcpError | undefined;
    d.onExpire((r) => {
      heard = r;
    });
    assert.equal(heard?.code, "TIMEOUT");
    assert.equal(d.signal.aborted, true, "a signal asked for after expiry is already aborted");
    assert.equal((d.signal.reason as IbMcpError).code, "TIMEOUT");
  });

  it("LazyAbort: aborting before the signal exists still hands out an aborted signal with the reason", () => {
    const early = new LazyAbort();
    early.abort("gone");
    assert.equal(early.aborted, true);
    assert.equal(early.signal.aborted, true);
    assert.equal(early.signal.reason, "gone");
    const late = new LazyAbort();
    const s = late.signal;
    assert.equal(s.aborted, false);
    late.abort("now");
    late.abort("ignored");
    assert.equal(s.reason, "now");
  });
});
