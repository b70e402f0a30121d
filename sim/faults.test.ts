import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { EventName, type IBApi } from "@stoqey/ib";
import { type Simulator, startSimulator } from "./server.ts";
import { SimStats } from "./stats.ts";
import { closed, collectCodes, connectApi, rawSocket, until, waitFor } from "./testing/clients.ts";

/** A length-prefixed frame; an array is joined as NUL-terminated fields. */
function frame(content: string | string[]): Buffer {
  const body = Buffer.from(
    typeof content === "string" ? content : content.map((f) => `${f}\x00`).join(""),
    "utf8",
  );
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

const handshake = Buffer.concat([Buffer.from("API\x00"), frame("v100..193")]);

describe("faults, control API and bad input", { timeout: 30_000 }, () => {
  let sim: Simulator | undefined;
  const apis: IBApi[] = [];
  afterEach(async () => {
    for (const a of apis.splice(0)) a.disconnect();
    await sim?.close();
    sim = undefined;
  });
  async function client(s: Simulator, id: number): Promise<IBApi> {
    const a = await connectApi(s, id);
    apis.push(a);
    return a;
  }
  const control = (s: Simulator, method: string, path: string, body?: unknown) =>
    fetch(`http://127.0.0.1:${s.controlPort}${path}`, {
      method,
      signal: AbortSignal.timeout(3000),
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });

  it("GET /stats counts connections, requests by name and errors by code; POST /stats/reset clears them", async () => {
    sim = await startSimulator({ controlPort: 0 });
    const api = await client(sim, 3);
    const e = waitFor(api, EventName.error, (_e, code: number) => code === 200);
    api.reqContractDetails(1, { symbol: "NOPE", secType: "STK" as never });
    await e;
    const res = await control(sim, "GET", "/stats");
    assert.equal(res.status, 200);
    const stats = SimStats.parse(await res.json());
    assert.equal(stats.connections.active, 1);
    assert.deepEqual(stats.connections.peakByClientId, { "3": 1 });
    assert.equal(stats.requests.reqContractDetails, 1);
    assert.equal(stats.requests.startApi, 1);
    assert.deepEqual(stats.errorsSent, { "200": 1, "2104": 1, "2106": 1, "2158": 1 });
    assert.equal((await control(sim, "POST", "/stats/reset")).status, 200);
    const after = SimStats.parse(await (await control(sim, "GET", "/stats")).json());
    assert.deepEqual(after.requests, {});
    assert.deepEqual(after.errorsSent, {});
    assert.equal(after.connections.active, 1);
  });

  it("POST /drop closes every client socket", async () => {
    sim = await startSimulator({ controlPort: 0 });
    const a = await client(sim, 1);
    const b = await client(sim, 2);
    const gone = Promise.all([waitFor(a, EventName.disconnected), waitFor(b, EventName.disconnected)]);
    assert.equal((await control(sim, "POST", "/drop")).status, 200);
    await gone;
    await until(() => sim!.stats().connections.active === 0, 2000, "no connections");
  });

  it("POST /outage: 1100, refused connections, then 1102 (or 1101) on recovery", async () => {
    sim = await startSimulator({ controlPort: 0 });
    const api = await client(sim, 1);
    const codes = collectCodes(api);
    const lost = waitFor(api, EventName.info, (_m, code: number) => code === 1100);
    assert.equal((await control(sim, "POST", "/outage", { ms: 300, recovery: "1101" })).status, 200);
    await lost;
    const refused = await rawSocket(sim);
    await closed(refused);
    await waitFor(api, EventName.info, (_m, code: number) => code === 1101);
    assert.deepEqual(
      codes.map((c) => c.code).filter((c) => c >= 1100 && c < 1200),
      [1100, 1101],
    );
    const back = await client(sim, 2);
    assert.ok(back.isConnected);
    await sim.outage(50);
    await waitFor(api, EventName.info, (_m, code: number) => code === 1102);
  });

  it("bad control requests get a 400 naming the problem", async () => {
    sim = await startSimulator({ controlPort: 0 });
    const bad = await control(sim, "POST", "/outage", { ms: -5 });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /ms/);
    assert.equal((await control(sim, "GET", "/nope")).status, 404);
  });

  it("POST /latency delays every reply", async () => {
    sim = await startSimulator({ controlPort: 0 });
    const api = await client(sim, 1);
    assert.equal((await control(sim, "POST", "/latency", { ms: 150 })).status, 200);
    const t0 = Date.now();
    const time = waitFor(api, EventName.currentTime);
    api.reqCurrentTime();
    await time;
    assert.ok(Date.now() - t0 >= 140, `reply took ${Date.now() - t0} ms`);
    sim.setLatency(0);
  });

  for (const [name, bytes] of [
    ["garbage bytes", Buffer.from("GET / HTTP/1.1\r\n\r\n")],
    ["a wrong handshake", Buffer.concat([Buffer.from("API\x00"), frame("hello")])],
    ["a zero-length frame", Buffer.concat([handshake, Buffer.alloc(4)])],
    ["an unknown message id", Buffer.concat([handshake, frame(["71", "2", "9", ""]), frame(["9999", "1"])])],
    ["a message before startApi", Buffer.concat([handshake, frame(["49", "1"])])],
    ["a truncated request", Buffer.concat([handshake, frame(["71", "2", "9", ""]), frame(["9", "8"])])],
    ["a non-numeric field", Buffer.concat([handshake, frame(["71", "2", "abc", ""])])],
  ] as const) {
    it(`${name} closes that connection only`, async () => {
      const logs: string[] = [];
      sim = await startSimulator({ log: (level, msg) => logs.push(`${level} ${msg}`) });
      const good = await client(sim, 1);
      const s = await rawSocket(sim);
      s.on("data", () => {});
      s.write(bytes);
      await closed(s);
      assert.ok(
        logs.some((l) => l.startsWith("error ") && l.includes("closed")),
        `an error line in the log: ${logs.join(" | ")}`,
      );
      const time = waitFor(good, EventName.currentTime);
      good.reqCurrentTime();
      await time;
    });
  }

  it("a frame split across many writes is reassembled", async () => {
    sim = await startSimulator({});
    const s = await rawSocket(sim);
    const chunks: Buffer[] = [];
    s.on("data", (c: Buffer) => chunks.push(c));
    const bytes = Buffer.concat([handshake, frame(["71", "2", "5", ""]), frame(["49", "1"])]);
    for (const b of bytes) s.write(Buffer.from([b]));
    await until(() => Buffer.concat(chunks).includes(Buffer.from("49\x001\x00")), 3000, "currentTime reply");
    s.destroy();
  });
});
