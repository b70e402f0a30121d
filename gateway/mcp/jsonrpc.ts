import { type JSONRPCMessage, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";

/** JSON-RPC error codes the gateway answers itself, before a request reaches the MCP SDK. */
export const JsonRpcCode = {
  parseError: -32700,
  invalidRequest: -32600,
  /** The streamable HTTP transport's code for HTTP-level refusals (auth, origin, size, method). */
  serverError: -32000,
  /** MCP's request-timeout code. */
  requestTimeout: -32001,
  /** A request outside the caller's scopes (a server-defined code; `data.code` is FORBIDDEN). */
  forbidden: -32003,
} as const;

/** A JSON-RPC error response with an HTTP status, for refusals that happen before the SDK sees the request. */
export function jsonRpcErrorResponse(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

// The SDK transport's own batch cap.
const MAX_BATCH = 100;
// Protocol versions from which MCP has no JSON-RPC batches (2025-06-18 removed them). Compared as strings, as the
// SDK compares versions.
const FIRST_VERSION_WITHOUT_BATCHES = "2025-06-18";

/**
 * Why a POST may not carry a batch under this MCP-Protocol-Version, or undefined when it may (absent means
 * 2025-03-26, as the SDK assumes). The SDK transport accepts batches under every version; the spec does not.
 */
export function batchRefusal(version: string | undefined): string | undefined {
  if (version === undefined || version < FIRST_VERSION_WITHOUT_BATCHES) return undefined;
  return `Invalid Request: MCP-Protocol-Version ${version} has no JSON-RPC batches (removed in ${FIRST_VERSION_WITHOUT_BATCHES}); send one message per POST`;
}

export type ParsedBody =
  | { ok: true; messages: JSONRPCMessage[]; batch: boolean }
  | { ok: false; status: number; code: number; message: string };

const refuse = (status: number, code: number, message: string): ParsedBody => ({
  ok: false,
  status,
  code,
  message,
});

/**
 * A parsed body as JSON-RPC messages, checked with the SDK's own JSONRPCMessageSchema, so that what the server
 * behind the mux would drop unanswered is answered here at once, with the status, code and message the SDK's
 * streamable HTTP transport gives (400 -32700 "Parse error: Invalid JSON-RPC message"; -32600 for an oversized
 * batch). One answer goes beyond the SDK: an empty batch is -32600 (JSON-RPC 2.0 says so; the SDK answers 202).
 */
export function parseJsonRpcBody(body: unknown): ParsedBody {
  const batch = Array.isArray(body);
  if (batch) {
    if (body.length > MAX_BATCH)
      return refuse(
        400,
        JsonRpcCode.invalidRequest,
        `Invalid Request: Batch must not exceed ${MAX_BATCH} messages`,
      );
    if (body.length === 0) return refuse(400, JsonRpcCode.invalidRequest, "Invalid Request: empty batch");
  }
  const raw: unknown[] = batch ? body : [body];
  const messages: JSONRPCMessage[] = [];
  for (const m of raw) {
    const parsed = JSONRPCMessageSchema.safeParse(m);
    if (!parsed.success) return refuse(400, JsonRpcCode.parseError, "Parse error: Invalid JSON-RPC message");
    messages.push(parsed.data);
  }
  return { ok: true, messages, batch };
}
