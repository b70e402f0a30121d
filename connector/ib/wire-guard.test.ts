import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EventName } from "@stoqey/ib";
import fc from "fast-check";
import { pino } from "pino";
import { IbMcpError } from "../../shared/errors.ts";
import { type Simulator, startSimulator } from "../../sim/index.ts";
import { until } from "../../sim/testing/clients.ts";
import { type IbLink, openLink } from "./link.ts";
import { byReqId, type Handler } from "./request.ts";
import { assertWireString, assertWireValue, controlCharacterAt, maxLengthOf } from "./wire-guard.ts";
import { guardApi } from "./wire-guarded-api.ts";

/** Every control character the guard must refuse: C0 (NUL included), DEL and C1. */
const controlChar = fc
  .integer({ min: 0, max: 0x9f })
  .filter((c) => c < 0x20 || c >= 0x7f)
  .map((c) => String.fromCharCode(c));
const printable = fc
  .string({ unit: "binary", maxLength: 40 })
  .map((s) => [...s].filter((ch) => controlCharacterAt(ch) < 0).join(""));

const refusedNaming = (field: RegExp) => (err: unknown) => {
  assert.ok(err instanceof IbMcpError, `expected an IbMcpError, got ${String(err)}`);
  assert.equal(err.code, "INVALID_ARGUMENT");
  assert.match(err.message, field);
  return true;
};

describe("the wire guard", () => {
  it("refuses any string holding a control character, naming the field", () => {
    fc.assert(
      fc.property(printable, controlChar, printable, (head, ctrl, tail) => {
        assert.throws(
          () => assertWireString("contract.exchange", head + ctrl + tail),
          refusedNaming(/exchange/),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("lets any text without control characters through, up to the field's cap", () => {
    fc.assert(
      fc.property(printable, (s) => {
        const cap = maxLengthOf("pattern");
        if (s.length <= cap) assertWireString("pattern", s);
        else assert.throws(() => assertWireString("pattern", s), refusedNaming(/pattern/));
      }),
      { numRuns: 500 },
    );
  });

  it("caps each field kind: an exchange is short, a tag list may be long", () => {
    assert.throws(() => assertWireString("contract.exchange", "S".repeat(33)), refusedNaming(/32/));
    assertWireString("tags", "NetLiquidation,".repeat(100));
    assert.throws(() => assertWireString("order.orderRef", "r".repeat(129)), refusedNaming(/orderRef/));
  });

  it("refuses lone surrogates, which the encoder would turn into another character", () => {
    assert.throws(() => assertWireString("pattern", "AB\uD800"), refusedNaming(/Unicode/));
    assertWireString("pattern", "AB\u{1F600}");
  });

  it("walks contracts and orders, naming nested fields by path", () => {
    const order = { account: "DU1", algoParams: [{ tag: "x", value: "1\u00002" }] };
    assert.throws(() => assertWireValue("order", order), refusedNaming(/order\.algoParams\[0\]\.value/));
    assertWireValue("contract", { conId: 1, symbol: "AAPL", strike: 2.5, comboLegs: [] });
  });

  it("a guarded API refuses the call before the real method runs", () => {
    const sent: unknown[][] = [];
    const api = guardApi({ placeOrder: (...args: unknown[]) => sent.push(args) });
    assert.throws(
      () => api.placeOrder(1, { conId: 1, exchange: "SMART\u00000" }, { orderRef: "x" }),
      refusedNaming(/contract\.exchange/),
    );
    assert.equal(sent.length, 0);
    api.placeOrder(1, { conId: 1, exchange: "SMART" }, { orderRef: "x" });
    assert.equal(sent.length, 1);
  });
});

describe("the wire guard on a real IB link", { timeout: 30_000 }, () => {
  let sim: Simulator;
  let link: IbLink;
  const open = (clientId = 7) =>
    openLink({
      host: "127.0.0.1",
      port: sim.port,
      clientId,
      connectTimeoutMs: 5_000,
      maxReqPerSec: 40,
      logger: pino({ level: "silent" }),
    });
  const received = (name: string) => sim.received().messages.filter((m) => m.name === name);

  before(async () => {
    sim = await startSimulator({ timeScale: 0.01 });
    link = await open();
  });
  after(async () => {
    link?.close();
    await sim?.close();
  });

  it("refuses a NUL in a search pattern: INVALID_ARGUMENT naming it, nothing reaches IB", async () => {
    assert.throws(() => link.next.getMatchingSymbols("AAPL\u00001\u0000MSFT"), refusedNaming(/pattern/));
    assert.throws(() => link.raw.reqMatchingSymbols(9_001, "AA\u0001PL"), refusedNaming(/pattern/));
    // a clean request after them: once it arrived, anything sent before it had arrived too
    const found = await link.next.getMatchingSymbols("AAP");
    assert.ok(found.length > 0);
    const sent = received("reqMatchingSymbols");
    assert.equal(sent.length, 1, "only the clean request reached IB");
    assert.equal(sent[0]?.fields.at(-1), "AAP", "the clean pattern arrived intact");
    assert.deepEqual(sim.received().withControlCharacters, []);
  });

  it("a refused request by reqId rejects at once and leaves no listener behind", async () => {
    const emitter = link.raw as unknown as { listenerCount(event: string): number };
    const listening = () =>
      emitter.listenerCount(EventName.newsArticle) + emitter.listenerCount(EventName.error);
    const before = listening();
    const scope = { signal: new AbortController().signal, deadlineAt: Date.now() + 5_000 };
    await assert.rejects(
      byReqId(link, scope, "article", (reqId, done) => ({
        events: [[EventName.newsArticle, ((id: number) => id === reqId && done(undefined)) as Handler]],
        send: () => link.raw.reqNewsArticle(reqId, "BRFG", "BRFG$1\u0000x", []),
      })),
      refusedNaming(/articleId/),
    );
    assert.equal(listening(), before);
  });

  it("the tripwire drops a message that got past the guard, and closes the session", async () => {
    const own = await open(8);
    try {
      const before = sim.received().lastSeq;
      // straight into the encoder, past the guarded API, as a bug in the guard would
      const encoder = (
        own.raw as unknown as { controller: { encoder: Record<string, (...a: unknown[]) => void> } }
      ).controller.encoder;
      encoder.reqMatchingSymbols?.(9_002, "MSFT\u0000smuggled");
      const reason = await own.lost;
      assert.match(reason, /tripwire/);
      // once the simulator saw the socket close, every byte written before the close had arrived
      await until(() => sim.stats().connections.active === 1, 5_000, "the simulator sees the session closed");
      const after = sim.received(before).messages.filter((m) => m.name === "reqMatchingSymbols");
      assert.deepEqual(after, [], "nothing of the message was written");
    } finally {
      own.close();
    }
  });
});
