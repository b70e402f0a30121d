import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { batchRefusal, JsonRpcCode, parseJsonRpcBody } from "./jsonrpc.ts";
import { readBodyLimited } from "./read-body.ts";

/** Why a POST is refused before any message reaches the server: HTTP status, JSON-RPC code, message. */
export interface Refusal {
  status: number;
  code: number;
  message: string;
}

const refusal = (status: number, code: number, message: string): Refusal => ({ status, code, message });

function isJsonContentType(ct: string | null): boolean {
  return ct !== null && ct.split(";")[0]?.trim().toLowerCase() === "application/json";
}

/**
 * The JSON-RPC messages of a POST /mcp, or why it is refused, checked in the order the SDK's streamable HTTP
 * transport checks them and answered as it answers (406, 415, 413, -32700 for bad JSON and for what its
 * JSONRPCMessageSchema refuses, -32600 for an oversized batch or initialize in a batch, 400 for an unknown
 * MCP-Protocol-Version); then, beyond the SDK, -32600 for a batch under a protocol version without batches.
 */
export async function readMessages(
  req: Request,
  maxBodyBytes: number,
): Promise<{ messages: JSONRPCMessage[]; batch: boolean } | Refusal> {
  const accept = req.headers.get("accept");
  if (!accept?.includes("application/json") || !accept.includes("text/event-stream"))
    return refusal(
      406,
      JsonRpcCode.serverError,
      "Not Acceptable: send Accept: application/json, text/event-stream",
    );
  if (!isJsonContentType(req.headers.get("content-type")))
    return refusal(
      415,
      JsonRpcCode.serverError,
      "Unsupported Media Type: send Content-Type: application/json",
    );
  const text = await readBodyLimited(req, maxBodyBytes);
  if (text === undefined)
    return refusal(
      413,
      JsonRpcCode.serverError,
      `Payload Too Large: the body exceeds ${maxBodyBytes} bytes (MCP_MAX_BODY_BYTES); send a smaller request`,
    );
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return refusal(400, JsonRpcCode.parseError, "Parse error: Invalid JSON");
  }
  const parsed = parseJsonRpcBody(body);
  if (!parsed.ok) return parsed;
  const { messages, batch } = parsed;
  const initializing = messages.some((m) => "method" in m && m.method === "initialize");
  if (initializing && messages.length > 1)
    return refusal(
      400,
      JsonRpcCode.invalidRequest,
      "Invalid Request: Only one initialization request is allowed",
    );
  const version = req.headers.get("mcp-protocol-version") ?? undefined;
  if (!initializing && version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version))
    return refusal(
      400,
      JsonRpcCode.serverError,
      `Bad Request: Unsupported protocol version: ${version.slice(0, 40)} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`,
    );
  const noBatches = batch ? batchRefusal(version) : undefined;
  if (noBatches) return refusal(400, JsonRpcCode.invalidRequest, noBatches);
  return { messages, batch };
}
