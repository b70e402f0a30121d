import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Context } from "hono";
import type { Logger } from "pino";
import { invalidJsonRpcReason, JsonRpcCode, jsonRpcErrorResponse } from "./jsonrpc.ts";
import { readBodyLimited } from "./read-body.ts";
import type { ServerPool } from "./server-pool.ts";

// The SDK's own batch cap; checked here because the body is parsed here.
const MAX_BATCH = 100;
// Time the transport gets beyond the tool deadline to write its answer before the request is abandoned.
const RESPONSE_GRACE_MS = 2_000;

function isJsonContentType(ct: string | undefined): boolean {
  return ct !== undefined && ct.split(";")[0]?.trim().toLowerCase() === "application/json";
}

/**
 * POST /mcp: parse and check the body once, then hand it to a fresh stateless transport connected to a pooled
 * McpServer (connect, handle, close). JSON responses only, no session id, so any replica can answer any request.
 */
export function createMcpPostHandler(deps: {
  pool: ServerPool;
  timeoutMs: number;
  maxBodyBytes: number;
  logger: Logger;
}) {
  const { pool, timeoutMs, maxBodyBytes, logger } = deps;

  return async function mcpPost(c: Context<{ Variables: { requestId: string } }>): Promise<Response> {
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

    const requestId = c.get("requestId");
    const slot = pool.acquire({
      requestId,
      traceparent: c.req.header("traceparent"),
      deadlineAt: Date.now() + timeoutMs,
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: maxBodyBytes,
    });
    let reusable = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await slot.server.connect(transport);
      const abandoned = new Promise<Response>((resolve) => {
        timer = setTimeout(() => {
          reusable = false;
          logger.error({ requestId }, "MCP request produced no response in time; abandoned");
          resolve(
            jsonRpcErrorResponse(
              504,
              JsonRpcCode.requestTimeout,
              `Request timed out after ${timeoutMs} ms (request id ${requestId}); retry once`,
            ),
          );
        }, timeoutMs + RESPONSE_GRACE_MS);
      });
      return await Promise.race([transport.handleRequest(c.req.raw, { parsedBody: body }), abandoned]);
    } finally {
      clearTimeout(timer);
      await slot.server.close().catch(() => undefined);
      if (reusable) pool.release(slot);
    }
  };
}
