import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IbMcpError } from "../../shared/errors.ts";
import type { BoundOrder } from "../../shared/schemas/order.ts";
import { assertNotExpired, signToken, verifyToken } from "./token.ts";

const secret = "s".repeat(40);
const order: BoundOrder = {
  conId: 265598,
  symbol: "AAPL",
  sec_type: "STK",
  exchange: "SMART",
  currency: "USD",
  multiplier: 1,
  side: "BUY",
  quantity: 5,
  order_type: "LMT",
  limit_price: 200,
  tif: "DAY",
  outside_rth: false,
  account: "DU1234567",
  reference_price: 200,
  notional: 1000,
};

const code = (c: string, pattern: RegExp) => (err: unknown) =>
  err instanceof IbMcpError && err.code === c && pattern.test(err.message);

describe("confirmation tokens", () => {
  it("verify to exactly the order, mode and orderRef they were signed with", () => {
    const t = signToken(secret, "paper", order, 60_000);
    const v = verifyToken(secret, t.token, "paper");
    assert.deepEqual(v.payload.order, order);
    assert.equal(v.payload.mode, "paper");
    assert.equal(v.orderRef, t.orderRef);
    assert.match(v.orderRef, /^ibmcp-[0-9a-f]{16}$/);
  });

  it("two previews of the same order get different tokens and refs", () => {
    const a = signToken(secret, "paper", order, 60_000);
    const b = signToken(secret, "paper", order, 60_000);
    assert.notEqual(a.token, b.token);
    assert.notEqual(a.orderRef, b.orderRef);
  });

  it("refuses an altered payload, an altered signature, a truncated token and another secret", () => {
    const { token } = signToken(secret, "paper", order, 60_000);
    const [body, sig] = token.split(".") as [string, string];
    const payload = JSON.parse(Buffer.from(body, "base64url").toString());
    payload.order.quantity = 500;
    const forged = `${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${sig}`;
    assert.throws(() => verifyToken(secret, forged, "paper"), code("INVALID_ARGUMENT", /not valid/));
    const flipped = `${body}.${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`;
    assert.throws(() => verifyToken(secret, flipped, "paper"), code("INVALID_ARGUMENT", /not valid/));
    assert.throws(() => verifyToken(secret, body, "paper"), code("INVALID_ARGUMENT", /not valid/));
    assert.throws(() => verifyToken("t".repeat(40), token, "paper"), code("INVALID_ARGUMENT", /not valid/));
  });

  it("refuses a token from the other mode, naming both", () => {
    const { token } = signToken(secret, "paper", order, 60_000);
    assert.throws(
      () => verifyToken(secret, token, "live"),
      code("INVALID_ARGUMENT", /issued for paper.*trades live/),
    );
  });

  it("expires after its TTL", () => {
    const t = signToken(secret, "paper", order, 1_000, 10_000);
    const v = verifyToken(secret, t.token, "paper");
    assertNotExpired(v.payload, 10_999);
    assert.throws(
      () => assertNotExpired(v.payload, 11_001),
      code("INVALID_ARGUMENT", /expired at .*preview_order/),
    );
  });
});
