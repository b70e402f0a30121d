/**
 * Request ids travel from the agent (HTTP X-Request-Id) through the gateway and NATS to the connector, and back in
 * every answer, error and log line. One an agent or a NATS user chose is kept only when it is short and plain:
 * otherwise it is replaced by a fresh id, not truncated, because a cut id could equal another request's and would
 * no longer be the caller's anyway; a fresh one at least identifies this request in every log. The rule is the one
 * hono's requestId middleware applies at the gateway (`[\w\-=]`, this length), so both ends keep the same ids.
 */
export const REQUEST_ID_MAX_LENGTH = 128;

const SAFE_REQUEST_ID = /^[\w\-=]+$/;

/** True for an id that may be echoed as it came: 1-128 of letters, digits, '_', '-' and '='. */
export function isSafeRequestId(id: string): boolean {
  return id.length > 0 && id.length <= REQUEST_ID_MAX_LENGTH && SAFE_REQUEST_ID.test(id);
}

/** The caller's id when it is safe, else a fresh UUID. */
export function requestIdOr(fromCaller: string | null | undefined): string {
  return fromCaller && isSafeRequestId(fromCaller) ? fromCaller : crypto.randomUUID();
}
