import { IbMcpError } from "../../shared/errors.ts";

/**
 * The last check on every string the connector hands to @stoqey/ib. The TWS protocol separates fields with NUL and
 * @stoqey/ib escapes nothing, so one NUL inside a value splits it into fields of the attacker's choosing (an order's
 * exchange rewrote its quantity and type on the wire). The shared schemas refuse these values first, with their real
 * alphabets; this guard holds whatever path a value took (a handler bug, a value IB sent back, a schema loosened by
 * mistake): no C0 control (NUL included), no DEL, no C1 control, well-formed Unicode, and a length cap per field kind.
 */

/** Where the first C0 control (NUL, TAB, CR, LF...), DEL or C1 control is; -1 when there is none. */
export function controlCharacterAt(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return i;
  }
  return -1;
}
/** A surrogate without its pair: TextEncoder would turn it into U+FFFD, so IB would get another value. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Caps by field name: generous supersets of what the schemas allow, so a valid value never trips them. */
const MAX_LENGTH: Readonly<Record<string, number>> = {
  // codes IB spells in a few capitals or digits
  secType: 16,
  exchange: 32,
  primaryExch: 32,
  currency: 16,
  right: 16,
  tif: 16,
  action: 16,
  orderType: 32,
  futFopExchange: 32,
  underlyingSecType: 16,
  whatToShow: 32,
  barSizeSetting: 32,
  durationStr: 32,
  multiplier: 32,
  lastTradeDateOrContractMonth: 32,
  // names of instruments and accounts
  symbol: 64,
  localSymbol: 64,
  tradingClass: 64,
  underlyingSymbol: 64,
  account: 64,
  acctCode: 64,
  modelCode: 64,
  group: 64,
  reportType: 64,
  providerCode: 64,
  // free-form but bounded
  pattern: 128,
  orderRef: 128,
  articleId: 256,
  providerCodes: 256,
  genericTickList: 256,
  startDateTime: 64,
  endDateTime: 64,
  // the standard account summary tag list is a long comma-joined string
  tags: 2048,
};
/** A string field the table does not name. */
const DEFAULT_MAX_LENGTH = 256;
/** Arrays and objects nest no deeper than IB's own structures (order → combo legs → leg fields). */
const MAX_DEPTH = 6;

function refuse(field: string, why: string): never {
  throw new IbMcpError(
    "INVALID_ARGUMENT",
    `${field} ${why}; nothing was sent to IB. Send the value IB uses for this field (letters, digits and the usual punctuation only)`,
  );
}

/** The cap for a field path such as "contract.exchange" or "order.orderRef": by its last name. */
export function maxLengthOf(field: string): number {
  const name = field.slice(field.lastIndexOf(".") + 1).replace(/\[\d+\]$/, "");
  return MAX_LENGTH[name] ?? DEFAULT_MAX_LENGTH;
}

/** Refuses one string (INVALID_ARGUMENT naming `field`) that must not go onto the TWS wire. */
export function assertWireString(field: string, value: string): void {
  const max = maxLengthOf(field);
  if (value.length > max)
    refuse(field, `is ${value.length} characters long, more than the ${max} this connector sends to IB`);
  const at = controlCharacterAt(value);
  if (at >= 0) {
    const code = value.charCodeAt(at).toString(16).padStart(4, "0");
    refuse(field, `contains the control character U+${code.toUpperCase()} at position ${at}`);
  }
  if (LONE_SURROGATE.test(value)) refuse(field, "is not well-formed Unicode (a lone surrogate)");
}

/** Checks every string inside `value` (objects and arrays walked), naming each by its path from `field`. */
export function assertWireValue(field: string, value: unknown, depth = 0): void {
  if (typeof value === "string") {
    assertWireString(field, value);
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (depth >= MAX_DEPTH) refuse(field, `nests deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) assertWireValue(`${field}[${i}]`, v, depth + 1);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    assertWireString(`${field} key`, key);
    assertWireValue(`${field}.${key}`, v, depth + 1);
  }
}

/** True when a token written to the socket is safe: a string without control characters, or not a string. */
export function isWireSafeToken(token: unknown): boolean {
  return typeof token !== "string" || (controlCharacterAt(token) < 0 && !LONE_SURROGATE.test(token));
}
