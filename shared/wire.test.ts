import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IbMcpError } from "./errors.ts";
import { decodeReply, encodeError, encodeResult } from "./wire.ts";

describe("bus wire format", () => {
  it("round-trips a result", () => {
    assert.deepEqual(decodeReply(encodeResult({ conId: 265598 }), undefined), { conId: 265598 });
  });

  it("turns an error body into an IbMcpError with its code and retry hint", () => {
    const body = encodeError({ code: "RATE_LIMITED", message: "wait", retryable: true, retryAfterMs: 1500 });
    assert.throws(
      () => decodeReply(body, "wait"),
      (e: unknown) => e instanceof IbMcpError && e.code === "RATE_LIMITED" && e.retryAfterMs === 1500,
    );
  });

  it("refuses garbage and bare service errors as INTERNAL", () => {
    assert.throws(
      () => decodeReply(new TextEncoder().encode("{nope"), undefined),
      (e: unknown) => e instanceof IbMcpError && e.code === "INTERNAL",
    );
    assert.throws(
      () => decodeReply(new TextEncoder().encode("oops"), "500 something"),
      (e: unknown) => e instanceof IbMcpError && e.code === "INTERNAL",
    );
  });
});
