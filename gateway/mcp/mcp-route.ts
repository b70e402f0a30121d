import type { JSONRPCMessage, JSONRPCRequest, MessageExtraInfo } from "@modelcontextprotocol/sdk/types.js";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import type { Context } from "hono";
import type { Logger } from "pino";
import { invalidJsonRpcReason, JsonRpcCode, jsonRpcErrorResponse } from "./jsonrpc.ts";
import type { ModeServer } from "./mcp-server.ts";
import { readBodyLimited } from "./read-body.ts";
import type { JsonRpcReply } from "./request-mux.ts";

// The SDK's own batch cap.
const MAX_BATCH = 100;
// Time the server gets beyond the tool deadline to produce its answer before the request is given up.
const RESPONSE_GRACE_MS = 2_000;
// Tools read nothing from the HTTP request beyond the scope the mux carries; one shared value saves copying
// every request's headers.
const noExtra: MessageExtraInfo = Object.freeze({});

function isJsonContentType(ct: string | undefined): boolean {
  return ct !== undefined && ct.split(";")[0]?.trim().toLowerCase() === "application/json";
}

const isRequest = (m: JSONRPCMessage): m is JSONRPCRequest =>
  "method" in m && "id" in m && m.id !== undefined;

/**
 * Which client messages without an id reach the server. Not notifications/cancelled: the id it names belongs to
 * the client's own numbering, which the mux has replaced, so passing it on could cancel another agent's request
 * (and over stateless HTTP it cannot reach the request it meant anyway). Not responses either: this server never
 * sends requests to clients.
 */
const isForwardedNotification = (m: JSONRPCMessage): boolean =>
  "method" in m && m.method !== "notifications/cancelled";

/**
 * POST /mcp, stateless, as the SDK's streamable HTTP transport answers it in JSON mode (406/415/413, -32700,
 * -32600, a 400 for an unknown MCP-Protocol-Version, 202 for notifications only, one object for one request,
 * an array for a batch), but every request goes to the mode's one long-lived McpServer through its mux. No
 * session id is issued, so any replica can answer any request.
 */
export function createMcpPostHandler(deps: {
  server: ModeServer;
  timeoutMs: number;
  maxBodyBytes: number;
  logger: Logger;
}) {
  const { server, timeoutMs, maxBodyBytes, logger } = deps;

  return async function mcpPost(c: Context<{ Variables: { requestId: string } }>): Promise<Response> {
    const accept = c.req.header("accept");
    if (!accept?.includes("application/json") || !accept.includes("text/event-stream")) {
      return jsonRpcErrorResponse(
        406,
        JsonRpcCode.serverError,
        "Not Acceptable: send Accept: application/json, text/event-stream",
      );
    }
    if (!isJsonContentType(c.req.header("content-type"))) {
      return jsonRpcErrorResponse(
        415,
        JsonRpcCode.serverError,
        "Unsupported Media Type: send Content-Type: application/json",
      );
    }
    const text = await readBodyLimited(c.req.raw, maxBodyBytes);
    if (text === undefined) {
      return jsonRpcErrorResponse(
        413,
        JsonRpcCode.serverError,
        `Payload Too Large: the body exceeds ${maxBodyBytes} bytes (MCP_MAX_BODY_BYTES); send a smaller request`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return jsonRpcErrorResponse(
        400,
        JsonRpcCode.parseError,
        "Parse error: the request body is not valid JSON",
      );
    }
    const reason = invalidJsonRpcReason(body, MAX_BATCH);
    if (reason !== undefined) {
      return jsonRpcErrorResponse(400, JsonRpcCode.invalidRequest, `Invalid Request: the body is ${reason}`);
    }
    const messages = (Array.isArray(body) ? body : [body]) as JSONRPCMessage[];

    const initializing = messages.some((m) => "method" in m && m.method === "initialize");
    if (initializing && messages.length > 1) {
      return jsonRpcErrorResponse(
        400,
        JsonRpcCode.invalidRequest,
        "Invalid Request: initialize must be sent alone, not in a batch",
      );
    }
    const version = c.req.header("mcp-protocol-version");
    if (!initializing && version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return jsonRpcErrorResponse(
        400,
        JsonRpcCode.serverError,
        `Bad Request: unsupported MCP-Protocol-Version ${version.slice(0, 40)}; supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")}`,
      );
    }

    const requests: JSONRPCRequest[] = [];
    for (const m of messages) {
      if (isRequest(m)) requests.push(m);
      else if (isForwardedNotification(m)) server.mux.notify(m, noExtra);
    }
    if (requests.length === 0) return new Response(null, { status: 202 });

    const requestId = c.get("requestId");
    const scope = { requestId, traceparent: c.req.header("traceparent"), deadlineAt: Date.now() + timeoutMs };
    const giveUp = (id: JSONRPCRequest["id"]): JsonRpcReply => {
      logger.error({ requestId }, "MCP request produced no response in time; abandoned");
      return {
        jsonrpc: "2.0",
        id,
        error: {
          code: JsonRpcCode.requestTimeout,
          message: `Request timed out after ${timeoutMs} ms (request id ${requestId}); retry once`,
        },
      };
    };
    const replies = await Promise.all(
      requests.map((r) => server.mux.request(r, scope, noExtra, timeoutMs + RESPONSE_GRACE_MS, giveUp)),
    );
    return new Response(JSON.stringify(replies.length === 1 ? replies[0] : replies), {
      status: 200,
      headers: { "Content-Type": "application/json" },
    });
  };
}
