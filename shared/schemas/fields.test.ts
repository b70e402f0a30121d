import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { stringParamsOf } from "../testing/string-params.ts";
import { catalogue } from "../tools/index.ts";
import { ExchangeField } from "./fields.ts";
import { OrderRequest } from "./order.ts";

const controlChar = fc
  .integer({ min: 0, max: 0x9f })
  .filter((c) => c < 0x20 || c >= 0x7f)
  .map((c) => String.fromCharCode(c));
const params = catalogue.flatMap((tool) => stringParamsOf(tool).map((p) => ({ tool, ...p })));

describe("the shared schemas' alphabets", () => {
  it("find string parameters in the catalogue (the tools that name instruments, accounts, news, tokens)", () => {
    const names = new Set(params.map((p) => `${p.tool.name}.${p.name}`));
    for (const n of [
      "preview_order.exchange",
      "search_contracts.pattern",
      "get_article.articleId",
      "get_quote.symbols",
      "place_order.token",
      "cancel_order.client_info",
    ])
      assert.ok(names.has(n), `${n} is found`);
  });

  it("refuse a control character in every string parameter of every tool, naming the parameter", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...params),
        fc.string({ maxLength: 12 }),
        controlChar,
        fc.string({ maxLength: 12 }),
        (p, head, ctrl, tail) => {
          const value = `${head || "A"}${ctrl}${tail}`;
          const parsed = p.tool.input.safeParse({ [p.name]: p.list ? [value] : value });
          assert.equal(parsed.success, false, `${p.tool.name}.${p.name} accepted ${JSON.stringify(value)}`);
          const named = parsed.error?.issues.some((i) => i.path[0] === p.name);
          assert.ok(named, `${p.tool.name}: the error names ${p.name}: ${parsed.error?.message}`);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("refuse the smuggling exchange of preview_order, and keep the valid spellings (lower case upper-cased)", () => {
    const attack = OrderRequest.safeParse({
      symbol: "AAPL",
      side: "BUY",
      quantity: 1,
      limit_price: 228,
      exchange: "SMART\u00000\u0000\u0000BUY\u00005000\u0000MKT",
    });
    assert.equal(attack.success, false);
    assert.deepEqual(attack.error?.issues[0]?.path, ["exchange"]);
    const ok = OrderRequest.parse({
      symbol: "aapl",
      side: "BUY",
      quantity: 1,
      exchange: "smart",
      currency: "usd",
    });
    assert.equal(ok.exchange, "SMART");
    assert.equal(ok.currency, "USD");
    assert.equal(ExchangeField.parse("ENEXT.BE"), "ENEXT.BE");
    assert.equal(ExchangeField.safeParse("SMART;NYSE").success, false);
  });
});
