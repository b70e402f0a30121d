import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { IbMcpError } from "../../shared/errors.ts";
import { TradingMode } from "../../shared/mode.ts";
import { BoundOrder } from "../../shared/schemas/order.ts";

/** What a confirmation token carries: the exact order, its mode, when it expires, and a nonce. */
const TokenPayload = z.object({
  v: z.literal(1),
  mode: TradingMode,
  order: BoundOrder,
  exp: z.number().int(),
  nonce: z.string(),
});
export type TokenPayload = z.infer<typeof TokenPayload>;

export interface VerifiedToken {
  payload: TokenPayload;
  /** The IB orderRef every order of this token carries: derived from the HMAC, so equal tokens give equal refs. */
  orderRef: string;
}

const ORDER_REF_PREFIX = "ibmcp-";

function mac(secret: string, body: string): Buffer {
  return createHmac("sha256", secret).update(body).digest();
}

function refOf(sig: Buffer): string {
  return ORDER_REF_PREFIX + sig.subarray(0, 8).toString("hex");
}

/** Signs an order into a compact token `base64url(payload).base64url(hmac)`. */
export function signToken(
  secret: string,
  mode: TradingMode,
  order: BoundOrder,
  ttlMs: number,
  now = Date.now(),
): { token: string; orderRef: string; expiresAt: number } {
  const payload: TokenPayload = {
    v: 1,
    mode,
    order,
    exp: now + ttlMs,
    nonce: randomBytes(9).toString("base64url"),
  };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  const sig = mac(secret, body);
  return { token: `${body}.${sig.toString("base64url")}`, orderRef: refOf(sig), expiresAt: payload.exp };
}

const altered = () =>
  new IbMcpError(
    "INVALID_ARGUMENT",
    "the confirmation token is not valid (altered, truncated, or signed by another server); call preview_order again and pass its token unchanged",
  );

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The bytes of a base64url part, or undefined unless it is spelled the one way our encoder spells them: Node's
 * decoder skips foreign characters, padding and stray trailing bits, so the same bytes have many spellings.
 */
function canonicalBytes(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? bytes : undefined;
}

/**
 * Checks that both parts are canonical base64url, then the signature (constant time) and mode. Expiry is left to the caller: a retry of a token that
 * was already placed must still find its order after the token expired.
 */
export function verifyToken(secret: string, token: string, mode: TradingMode): VerifiedToken {
  const [body, sigText, extra] = token.split(".");
  if (!body || !sigText || extra !== undefined) throw altered();
  const bodyBytes = canonicalBytes(body);
  const given = canonicalBytes(sigText);
  if (!bodyBytes || !given) throw altered();
  const expected = mac(secret, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw altered();
  let payload: TokenPayload;
  try {
    payload = TokenPayload.parse(JSON.parse(bodyBytes.toString("utf8")));
  } catch {
    throw altered();
  }
  if (payload.mode !== mode)
    throw new IbMcpError(
      "INVALID_ARGUMENT",
      `this token was issued for ${payload.mode} trading and this server trades ${mode}; preview the order again in ${mode} mode`,
    );
  return { payload, orderRef: refOf(expected) };
}

/** Refuses a token past its expiry, naming when it expired. */
export function assertNotExpired(payload: TokenPayload, now = Date.now()): void {
  if (now > payload.exp)
    throw new IbMcpError(
      "INVALID_ARGUMENT",
      `the confirmation token expired at ${new Date(payload.exp).toISOString()}; call preview_order again for a fresh token`,
    );
}
