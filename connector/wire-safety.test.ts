/**
 * Property: whatever string an agent puts in whatever string parameter of whatever tool, nothing holding a control
 * character, and nothing after one, reaches IB, and the call answers INVALID_ARGUMENT (never INTERNAL, never a hang).
 * Two dispatchers over one connector trading against the simulator: the real catalogue (the schemas refuse first),
 * and the catalogue with every string loosened to any string (what only the guard at the wire then stops).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { IbMcpError } from "../shared/errors.ts";
import { loosened, stringParamsOf } from "../shared/testing/string-params.ts";
import { catalogue } from "../shared/tools/index.ts";
import { findInstrument, type Simulator, startSimulator } from "../sim/index.ts";
import type { ConnectorHandle } from "./connector.ts";
import { controlCharacterAt } from "./ib/wire-guard.ts";
import { testConnector } from "./test-support.ts";

const SECRET = "wire-safety-secret-0123456789abcdef";
const aapl = findInstrument("AAPL", "STK")!;
const STRICT_CLIENT_ID = 31;

/** Arguments that make each tool reach IB, so the parameter under test is the only bad one. */
const baseArgs: Record<string, Record<string, unknown>> = {
  search_contracts: { pattern: "AAP" },
  get_article: { providerCode: "BRFG", articleId: "BRFG$00000001" },
  get_historical_news: { symbol: "AAPL", start_date: "2026-01-01", end_date: "2026-01-05" },
  get_quote: { symbols: ["AAPL"] },
  get_option_quotes: { symbol: "AAPL", expiry: "20270115", right: "C", strikes: [200] },
  preview_order: { symbol: "AAPL", side: "BUY", quantity: 1, order_type: "LMT", limit_price: aapl.price },
  // well formed and unsigned: the token is refused, nothing is ever placed by this test
  place_order: { token: "e30.AAAA" },
  modify_order: { token: "e30.AAAA" },
  cancel_order: { order_id: 999_999 },
};
const argsFor = (tool: string) => baseArgs[tool] ?? { symbol: "AAPL" };

const params = catalogue.flatMap((tool) => stringParamsOf(tool).map((p) => ({ tool: tool.name, ...p })));
const controlChar = fc
  .integer({ min: 0, max: 0x9f })
  .filter((c) => c < 0x20 || c >= 0x7f)
  .map((c) => String.fromCharCode(c));
const anyText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom("SMART", "AAPL", "DU1234567", "BRFG"),
);

describe("no control character reaches IB, whatever the tool and parameter", { timeout: 120_000 }, () => {
  let sim: Simulator;
  let strict: ConnectorHandle;
  let loose: ConnectorHandle;
  let dir: string;
  let runs = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ibmcp-wire-safety-"));
    sim = await startSimulator({ timeScale: 0.01 });
    const env = (clientId: number) => ({
      IB_CLIENT_ID: String(clientId),
      IB_READONLY: "false",
      ORDER_TOKEN_SECRET: SECRET,
      AUDIT_LOG_PATH: join(dir, `audit-${clientId}.jsonl`),
    });
    strict = await testConnector(sim.port, env(STRICT_CLIENT_ID), { pacingTimeScale: 0.01 });
    loose = await testConnector(sim.port, env(32), { pacingTimeScale: 0.01, tools: catalogue.map(loosened) });
    await Promise.all([strict.ready(5_000), loose.ready(5_000)]);
  });

  after(async () => {
    await strict?.close();
    await loose?.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Calls a tool and answers its error code ("ok" for a result); a call that outlives its deadline fails. */
  async function codeOf(c: ConnectorHandle, tool: string, args: Record<string, unknown>): Promise<string> {
    const started = Date.now();
    try {
      await c.dispatcher(tool, args, { requestId: `ws-${runs}`, timeoutMs: 8_000 });
      return "ok";
    } catch (err) {
      assert.ok(err instanceof IbMcpError, `${tool} rejected with ${String(err)}`);
      assert.ok(Date.now() - started < 7_000, `${tool} took ${Date.now() - started} ms (a hang)`);
      return `${err.code}: ${err.message}`;
    }
  }

  /**
   * What the simulator received since `seq` carries no control character, and the marker (the end of the value) only
   * inside the whole value: handlers trim, so "\tAAPL" may arrive as "AAPL", but never as a field of its own after a
   * NUL or a control character.
   */
  function assertNothingSmuggled(since: number, value: string, marker: string, what: string): void {
    const whole = value.trim().toUpperCase();
    for (const m of sim.received(since).messages)
      for (const f of m.fields) {
        assert.ok(controlCharacterAt(f) < 0, `${what}: ${m.name} carried ${JSON.stringify(f)}`);
        if (f.includes(marker))
          assert.equal(
            f.toUpperCase(),
            whole,
            `${what}: a piece of the value reached IB as a field of ${m.name}`,
          );
      }
  }

  it("finds the parameters to attack in the catalogue", () => {
    assert.ok(params.length >= 30, `${params.length} string parameters`);
    assert.ok(params.some((p) => p.tool === "preview_order" && p.name === "exchange"));
  });

  it("answers INVALID_ARGUMENT and sends IB nothing of it, with the schemas and with only the wire guard", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...params),
        anyText,
        controlChar,
        anyText,
        async (p, head, ctrl, tail) => {
          const marker = `ZQ${++runs}XJ`;
          const value = `${head}${ctrl}${tail}${marker}`;
          const args = { ...argsFor(p.tool), [p.name]: p.list ? [value] : value };
          const what = `${p.tool}.${p.name} = ${JSON.stringify(value)}`;

          const before = sim.received().lastSeq;
          const schemaAnswer = await codeOf(strict, p.tool, args);
          assert.match(schemaAnswer, /^INVALID_ARGUMENT/, `${what} with the schemas: ${schemaAnswer}`);
          assert.match(schemaAnswer, new RegExp(p.name), `${what}: the answer names the parameter`);
          const sent = sim.received(before).messages.filter((m) => m.clientId === STRICT_CLIENT_ID);
          assert.deepEqual(sent, [], `${what}: refused by the schema, IB got nothing`);

          const wireAnswer = await codeOf(loose, p.tool, args);
          assert.doesNotMatch(wireAnswer, /^(INTERNAL|TIMEOUT)/, `${what} past the schemas: ${wireAnswer}`);
          assertNothingSmuggled(before, value, marker, what);
        },
      ),
      { numRuns: 600 },
    );
    assert.deepEqual(sim.received().withControlCharacters, [], "no message ever carried a control character");
  });

  it("the wire guard alone refuses the strings that reach IB: INVALID_ARGUMENT naming the field", async () => {
    const reaching: Array<[string, Record<string, unknown>, RegExp]> = [
      ["lookup_contract", { symbol: "AAPL\u0000x" }, /symbol/],
      ["lookup_contract", { symbol: "AAPL", exchange: "SMART\u0001" }, /exchange/],
      ["lookup_contract", { symbol: "AAPL", currency: "US\u0000D" }, /currency/],
      ["search_contracts", { pattern: "AA\u0000PL" }, /pattern/],
      ["get_article", { providerCode: "BRFG", articleId: "BRFG$1\u0000x" }, /articleId/],
      ["get_article", { providerCode: "BR\u001fFG", articleId: "BRFG$1" }, /providerCode/],
      [
        "get_historical_news",
        { ...argsFor("get_historical_news"), provider_codes: "BRFG\u0000" },
        /providerCodes/,
      ],
      ["get_option_quotes", { ...argsFor("get_option_quotes"), trading_class: "AAPL\u0085" }, /tradingClass/],
      ["preview_order", { ...argsFor("preview_order"), exchange: "SMART\u00000\u0000MKT" }, /exchange/],
    ];
    for (const [tool, args, field] of reaching) {
      const before = sim.received().lastSeq;
      const answer = await codeOf(loose, tool, args);
      assert.match(answer, /^INVALID_ARGUMENT/, `${tool} ${JSON.stringify(args)}: ${answer}`);
      assert.match(answer, field, `${tool}: the answer names the field`);
      assertNothingSmuggled(before, "", "\u0000", tool);
    }
  });

  it("refuses very long strings in every parameter, and nothing longer than the wire caps reaches IB", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...params), fc.integer({ min: 300, max: 20_000 }), async (p, n) => {
        const value = "A".repeat(n);
        const args = { ...argsFor(p.tool), [p.name]: p.list ? [value] : value };
        const before = sim.received().lastSeq;
        assert.match(await codeOf(strict, p.tool, args), /^INVALID_ARGUMENT/, `${p.tool}.${p.name}`);
        const loose_ = await codeOf(loose, p.tool, args);
        assert.doesNotMatch(loose_, /^(INTERNAL|TIMEOUT)/, `${p.tool}.${p.name} past the schemas: ${loose_}`);
        for (const m of sim.received(before).messages)
          for (const f of m.fields)
            assert.ok(f.length <= 2048, `${m.name} carried a ${f.length}-character field`);
      }),
      { numRuns: 60 },
    );
  });
});
