import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encodeFrame } from "./protocol/framing.ts";
import { type Simulator, startSimulator } from "./server.ts";
import { rawSocket, until } from "./testing/clients.ts";
import { ReceivedLog, WireLog } from "./wire-log.ts";

function handshake(): Buffer {
  const versions = Buffer.from("v100..193");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(versions.length);
  return Buffer.concat([Buffer.from("API\x00"), len, versions]);
}

describe("the simulator's record of raw fields", { timeout: 20_000 }, () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ controlPort: 0 });
  });
  after(() => sim?.close());

  it("keeps every field as it arrived, flags control characters, and serves it on GET /received", async () => {
    const s = await rawSocket(sim);
    s.write(handshake());
    s.write(encodeFrame(["71", "2", "5", ""]));
    // a search pattern with a control character inside it, and one with a NUL (two fields on the wire)
    s.write(encodeFrame(["81", "1", "AA\u0001PL"]));
    s.write(encodeFrame(["81", "2", "MSFT", "smuggled"]));
    await until(() => sim.received().messages.length >= 3, 3_000, "three messages recorded");
    s.destroy();

    const res = await fetch(`http://127.0.0.1:${sim.controlPort}/received`);
    const log = ReceivedLog.parse(await res.json());
    assert.deepEqual(
      log.messages.map((m) => [m.name, m.fields]),
      [
        ["startApi", ["71", "2", "5", ""]],
        ["reqMatchingSymbols", ["81", "1", "AA\u0001PL"]],
        ["reqMatchingSymbols", ["81", "2", "MSFT", "smuggled"]],
      ],
    );
    assert.equal(log.messages[2]?.unread, 1, "the extra field was left unread by the handler");
    assert.deepEqual(
      log.withControlCharacters.map((m) => m.fields[2]),
      ["AA\u0001PL"],
    );
    assert.equal(log.messages[1]?.clientId, 5);

    const since = await fetch(`http://127.0.0.1:${sim.controlPort}/received?since=${log.messages[1]?.seq}`);
    assert.equal(ReceivedLog.parse(await since.json()).messages.length, 1);
    await fetch(`http://127.0.0.1:${sim.controlPort}/received/reset`, { method: "POST" });
    assert.deepEqual(sim.received().messages, []);
    assert.deepEqual(sim.received().withControlCharacters, []);
  });

  it("stays bounded: the newest messages per connection are kept", () => {
    const log = new WireLog();
    const conn = {};
    for (let i = 0; i < 5_000; i++) log.record(conn, 1, ["49", "1", String(i)]);
    const kept = log.snapshot().messages;
    assert.ok(kept.length <= 1_000, `${kept.length} kept`);
    assert.equal(kept.at(-1)?.fields[2], "4999");
    assert.equal(log.snapshot().lastSeq, 5_000);
  });
});
