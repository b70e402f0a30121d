import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
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

  it("refuses other spellings of a valid signature (trailing bits, padding, the standard base64 alphabet)", () => {
    const { token } = signToken(secret, "paper", order, 60_000);
    const [body, sig] = token.split(".") as [string, string];
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // 32 bytes take 43 characters: the last one carries 2 unused bits, 4 spellings of the same bytes
    const last = alphabet.indexOf(sig.at(-1)!);
    const trailing = `${sig.slice(0, -1)}${alphabet[last ^ 1]}`;
    const spellings = [trailing, `${sig}=`, `${sig.replaceAll("-", "+").replaceAll("_", "/")}`];
    if (!/[-_]/.test(sig)) spellings.pop();
    for (const s of spellings) {
      assert.deepEqual(Buffer.from(s, "base64url"), Buffer.from(sig, "base64url"), `${s} decodes the same`);
      assert.throws(
        () => verifyToken(secret, `${body}.${s}`, "paper"),
        code("INVALID_ARGUMENT", /not valid/),
      );
    }
    assert.equal(verifyToken(secret, token, "paper").payload.order.quantity, order.quantity);
  });

  it("refuses a body spelled non-canonically even when its signature matches that spelling", () => {
    let body = "";
    // a body whose length leaves unused trailing bits, so another spelling decodes to the same JSON
    for (let q = 1; body.length % 4 === 0; q++)
      body = Buffer.from(
        JSON.stringify({
          v: 1,
          mode: "paper",
          order: { ...order, quantity: q },
          exp: Date.now() + 60_000,
          nonce: "n",
        }),
      ).toString("base64url");
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const other = `${body.slice(0, -1)}${alphabet[alphabet.indexOf(body.at(-1)!) ^ 1]}`;
    assert.deepEqual(Buffer.from(other, "base64url"), Buffer.from(body, "base64url"));
    const signed = (b: string) => `${b}.${createHmac("sha256", secret).update(b).digest("base64url")}`;
    assert.ok(verifyToken(secret, signed(body), "paper"));
    assert.throws(() => verifyToken(secret, signed(other), "paper"), code("INVALID_ARGUMENT", /not valid/));
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
