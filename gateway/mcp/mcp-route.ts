import type { JSONRPCMessage, JSONRPCRequest, MessageExtraInfo } from "@modelcontextprotocol/sdk/types.js";
import type { Context } from "hono";
import type { Logger } from "pino";
import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import { parseToolsets } from "../../shared/toolsets.ts";
import type { Principal } from "../auth/principal.ts";
import { JsonRpcCode, jsonRpcErrorResponse } from "./jsonrpc.ts";
import type { ModeServer } from "./mcp-server.ts";
import { type Refusal, readMessages } from "./read-messages.ts";
import type { JsonRpcReply } from "./request-mux.ts";
import { scopeGate } from "./scope-filter.ts";
import type { ToolSelection } from "./tool-list.ts";
import { errorText } from "./tool-result.ts";

// Time the server gets beyond the tool deadline to produce its answer before the request is given up.
const RESPONSE_GRACE_MS = 2_000;
// Tools read nothing from the HTTP request beyond the scope the mux carries; one shared value saves copying
// every request's headers.
const noExtra: MessageExtraInfo = Object.freeze({});

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

/** A zod issue list (the SDK passes a ZodError's message on as is) as one line naming each field. */
function readable(message: string): string {
  if (!message.startsWith("[")) return message;
  try {
    const issues = JSON.parse(message) as Array<{ path?: unknown[]; message?: string }>;
    const parts = issues.map((i) => `${(i.path ?? []).join(".") || "(request)"}: ${i.message ?? "invalid"}`);
    return `invalid tools/call request: ${parts.join("; ")}`;
  } catch {
    return message.replace(/\s+/g, " ");
  }
}

/**
 * A JSON-RPC error the SDK produced for a tools/call (its own params check: no name, arguments not an object; or
 * its check of our result, which would be a bug) reworded with the parts every tool error has: code, next step,
 * request id. The errors this gateway makes itself carry `data` already.
 */
function withErrorParts(reply: JsonRpcReply, req: JSONRPCRequest, requestId: string, mode: TradingMode) {
  if (req.method !== "tools/call" || !("error" in reply) || reply.error.data !== undefined) return reply;
  const what = readable(reply.error.message.replace(/^MCP error -?\d+: /, ""));
  const ours = /^Invalid tools\/call result/.test(what);
  const err = new IbMcpError(ours ? "INTERNAL" : "INVALID_ARGUMENT", what);
  const code = ours ? -32603 : -32602;
  return {
    ...reply,
    error: { code, message: errorText(err, mode, requestId), data: { ...err.toInfo(), requestId } },
  };
}

/** The toolsets the URL names (`?toolsets=` or the `/toolsets/:toolsets` path form), or the server's default. */
function selectionOf(c: Context, server: ModeServer): ToolSelection | { error: string } {
  const named = c.req.param("toolsets") ?? c.req.query("toolsets");
  if (named === undefined) return server.defaultSelection;
  const parsed = parseToolsets(named);
  return "error" in parsed ? parsed : server.select(parsed.toolsets);
}

/**
 * POST /mcp, stateless, as the SDK's streamable HTTP transport answers it in JSON mode (406/415/413, -32700 for
 * bodies that are not JSON or not JSON-RPC by the SDK's own schema, -32600, a 400 for an unknown
 * MCP-Protocol-Version, 202 for notifications only), but every request goes to the mode's one long-lived McpServer
 * through its mux. Beyond the SDK, as JSON-RPC and the spec ask: a batch (even of one) gets an array, and batches
 * are refused under protocol versions that removed them. No session id is issued, so any replica can answer.
 */
export function createMcpPostHandler(deps: {
  server: ModeServer;
  mode: TradingMode;
  timeoutMs: number;
  maxBodyBytes: number;
  logger: Logger;
}) {
  const { server, mode, timeoutMs, maxBodyBytes, logger } = deps;

  return async function mcpPost(
    c: Context<{ Variables: { requestId: string; principal: Principal } }>,
  ): Promise<Response> {
    const requestId = c.get("requestId");
    // Set by the authentication middleware alone; without it the request cannot be attributed, so it is refused.
    const principal = c.get("principal") as Principal | undefined;
    const refuse = ({ status, code, message }: Refusal) => {
      logger.warn(
        { requestId, principal: principal?.name, status, code, reason: message },
        "MCP request refused",
      );
      return jsonRpcErrorResponse(status, code, message);
    };
    if (!principal)
      return refuse({
        status: 500,
        code: -32603,
        message: `Internal error: no authenticated caller (request id ${requestId})`,
      });
    const selection = selectionOf(c, server);
    if ("error" in selection)
      return refuse({
        status: 400,
        code: JsonRpcCode.serverError,
        message: `Bad Request: ${selection.error}`,
      });
    const read = await readMessages(c.req.raw, maxBodyBytes);
    if ("status" in read) return refuse(read);
    const { messages, batch } = read;

    const requests: JSONRPCRequest[] = [];
    for (const m of messages) {
      if (isRequest(m)) requests.push(m);
      else if (isForwardedNotification(m)) server.mux.notify(m, noExtra);
    }
    if (requests.length === 0) return new Response(null, { status: 202 });

    const scope = {
      requestId,
      traceparent: c.req.header("traceparent"),
      deadlineAt: Date.now() + timeoutMs,
      selection,
      principal,
    };
    const giveUp = (id: JSONRPCRequest["id"], why: "deadline" | "disconnect"): JsonRpcReply => {
      if (why === "deadline")
        logger.error({ requestId }, "MCP request produced no response in time; abandoned");
      else logger.info({ requestId }, "client disconnected; its MCP request is cancelled");
      return {
        jsonrpc: "2.0",
        id,
        error: {
          code: JsonRpcCode.requestTimeout,
          message: `Request timed out after ${timeoutMs} ms (request id ${requestId}); retry once`,
        },
      };
    };
    // Only a tool call or a resource read (a tool call underneath) holds anything worth cancelling; the signal is
    // made on first use (an AbortController each).
    const signal = requests.some((r) => r.method === "tools/call" || r.method === "resources/read")
      ? c.req.raw.signal
      : undefined;
    const replies = await Promise.all(
      requests.map(
        (r) =>
          scopeGate(r, scope, mode) ??
          server.mux
            .request(r, scope, noExtra, timeoutMs + RESPONSE_GRACE_MS, giveUp, signal)
            .then((reply) => withErrorParts(reply, r, requestId, mode)),
      ),
    );
    return new Response(JSON.stringify(batch ? replies : replies[0]), {
      status: 200,
      headers: { "Content-Type": "application/json" },
    });
  };
}
