import { ErrorBody, type ErrorInfo, IbMcpError } from "./errors.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes of a success reply: the tool result as JSON. */
export function encodeResult(result: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(result));
}

/** Bytes of an error reply body: `{"error":{code,message,retryable,retryAfterMs?,requestId?}}`. */
export function encodeError(info: ErrorInfo): Uint8Array {
  return encoder.encode(JSON.stringify({ error: info } satisfies ErrorBody));
}

/**
 * Reads a reply. `serviceError` is the `Nats-Service-Error` header when present. Returns the result or throws
 * IbMcpError; a reply that is neither valid JSON nor a known error shape is INTERNAL, never passed on raw.
 */
export function decodeReply(data: Uint8Array, serviceError: string | undefined): unknown {
  let parsed: unknown;
  try {
    parsed = data.length === 0 ? undefined : JSON.parse(decoder.decode(data));
  } catch (cause) {
    throw new IbMcpError("INTERNAL", "the connector sent a reply that is not JSON", { cause });
  }
  const asError = ErrorBody.safeParse(parsed);
  if (asError.success) throw IbMcpError.fromInfo(asError.data.error);
  if (serviceError !== undefined) {
    throw new IbMcpError(
      "INTERNAL",
      `the connector answered with a service error: ${serviceError.slice(0, 200)}`,
    );
  }
  return parsed;
}
