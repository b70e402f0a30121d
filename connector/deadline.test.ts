import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { IbMcpError } from "../shared/errors.ts";
import { abortable, startDeadline } from "./deadline.ts";

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
});
