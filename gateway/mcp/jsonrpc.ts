/** JSON-RPC error codes the gateway answers itself, before a request reaches the MCP SDK. */
export const JsonRpcCode = {
  parseError: -32700,
  invalidRequest: -32600,
  /** The streamable HTTP transport's code for HTTP-level refusals (auth, origin, size, method). */
  serverError: -32000,
  /** MCP's request-timeout code. */
  requestTimeout: -32001,
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

function isId(v: unknown): boolean {
  return typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
}

/** A cheap structural check of one JSON-RPC 2.0 message; the SDK validates the details afterwards. */
export function isJsonRpcMessage(m: unknown): boolean {
  if (typeof m !== "object" || m === null || Array.isArray(m)) return false;
  const msg = m as Record<string, unknown>;
  if (msg.jsonrpc !== "2.0") return false;
  if (typeof msg.method === "string") {
    // MCP's params are always an object (JSON-RPC's by-position arrays are not used)
    const params = msg.params;
    const paramsOk =
      params === undefined || (typeof params === "object" && params !== null && !Array.isArray(params));
    return paramsOk && (msg.id === undefined || isId(msg.id));
  }
  return ("result" in msg || "error" in msg) && isId(msg.id);
}

/** Why a parsed body is not a JSON-RPC message or batch, or undefined when it is one. */
export function invalidJsonRpcReason(body: unknown, maxBatch: number): string | undefined {
  if (Array.isArray(body)) {
    if (body.length === 0) return "an empty batch";
    if (body.length > maxBatch) return `a batch of more than ${maxBatch} messages`;
    return body.every(isJsonRpcMessage) ? undefined : "a batch with a message that is not JSON-RPC 2.0";
  }
  return isJsonRpcMessage(body)
    ? undefined
    : 'not a JSON-RPC 2.0 message (it needs "jsonrpc": "2.0" and a "method" (with object "params", if any) or a "result"/"error" with an "id")';
}
