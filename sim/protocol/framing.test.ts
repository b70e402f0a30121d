import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeFrame, FrameReader, maxClientVersion, splitFields } from "./framing.ts";

const head = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

describe("TWS v100+ framing", { timeout: 30_000 }, () => {
  it("reads the API handshake, then length-prefixed messages, across chunk boundaries", () => {
    const r = new FrameReader();
    const bytes = Buffer.concat([
      Buffer.from("API\x00"),
      head(9),
      Buffer.from("v100..193"),
      encodeFrame(["71", "2", "5", ""]),
    ]);
    const events = [];
    for (let i = 0; i < bytes.length; i += 3) events.push(...r.push(bytes.subarray(i, i + 3)));
    assert.deepEqual(events, [
      { kind: "handshake", versions: "v100..193" },
      { kind: "message", fields: ["71", "2", "5", ""] },
    ]);
    assert.equal(r.pending, 0);
  });

  it("rejects a stream that does not start with API\\0, and bad lengths", () => {
    assert.throws(() => new FrameReader().push(Buffer.from("GET /")), /API/);
    assert.throws(() => new FrameReader().push(Buffer.concat([Buffer.from("API\x00"), head(0)])), /length 0/);
    const r = new FrameReader();
    r.push(Buffer.concat([Buffer.from("API\x00"), head(4), Buffer.from("v100")]));
    assert.throws(() => r.push(head(0x7fffffff)), /bad frame length/);
  });

  it("encodes fields NUL-terminated behind a big-endian length", () => {
    const f = encodeFrame(["9", "1", "42"]);
    assert.equal(f.readUInt32BE(0), 7);
    assert.deepEqual(splitFields(f.subarray(4)), ["9", "1", "42"]);
    assert.equal(maxClientVersion("v100..193"), 193);
    assert.equal(maxClientVersion("v176"), 176);
    assert.equal(maxClientVersion("v100..176 +PACEAPI"), 176);
    assert.equal(maxClientVersion("x"), 0);
  });
});
