import type { JSONRPCRequest, ListToolsResult } from "@modelcontextprotocol/sdk/types.js";
import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import type { ToolDef } from "../../shared/tool-def.ts";
import { missingScope, type Principal } from "../auth/principal.ts";
import type { CallScope, ToolCaller } from "./call-tool.ts";
import { JsonRpcCode } from "./jsonrpc.ts";
import type { JsonRpcReply } from "./request-mux.ts";
import type { ToolSelection } from "./tool-list.ts";
import { errorResult, errorText } from "./tool-result.ts";

/** Why this principal may not call the tool, as the FORBIDDEN error every refusal of a scope is. */
function forbidden(principal: Principal, what: string, scope: string): IbMcpError {
  return new IbMcpError(
    "FORBIDDEN",
    `${what} needs the "${scope}" scope, and principal "${principal.name}" does not have it`,
  );
}

/**
 * Refuses a tool call (and so a resource read, which is one underneath) outside the caller's scopes with
 * FORBIDDEN naming the missing scope, before anything reaches the bus. The gateway's own switches
 * (MCP_ENABLE_TRADING, GATEWAY_ALLOW_LIVE_TRADING) still apply on top.
 */
export function guardScopes(callTool: ToolCaller, mode: TradingMode): ToolCaller {
  return async function scopeGuard(tool, args, scope, signal) {
    const refusal = scopeRefusal(scope.principal, tool, mode);
    if (refusal === undefined) return callTool(tool, args, scope, signal);
    return errorResult(refusal, mode, scope.requestId);
  };
}

/** FORBIDDEN when the principal lacks the tool's scope (checked before its arguments: they are not its business). */
export function scopeRefusal(principal: Principal, tool: ToolDef, mode: TradingMode): IbMcpError | undefined {
  const missing = missingScope(principal, tool, mode);
  return missing === undefined ? undefined : forbidden(principal, tool.name, missing);
}

// principal scope sets are few (from the file, token-N, OAuth), selections at most 2^8: cache the lists
const lists = new WeakMap<ToolSelection, Map<string, ListToolsResult>>();

/** The tools/list answer of a selection as this principal sees it: only the tools its scopes allow. */
export function listFor(selection: ToolSelection, principal: Principal, mode: TradingMode): ListToolsResult {
  const key = [...principal.scopes].sort().join(",");
  let byScopes = lists.get(selection);
  if (!byScopes) {
    byScopes = new Map();
    lists.set(selection, byScopes);
  }
  let list = byScopes.get(key);
  if (!list) {
    const allowed = (name: string) => {
      const tool = selection.byName.get(name);
      return tool !== undefined && missingScope(principal, tool, mode) === undefined;
    };
    list = { ...selection.list, tools: selection.list.tools.filter((t) => allowed(t.name)) };
    byScopes.set(key, list);
  }
  return list;
}

const emptyLists: Record<string, Record<string, unknown[]>> = {
  "resources/list": { resources: [] },
  "resources/templates/list": { resourceTemplates: [] },
  "prompts/list": { prompts: [] },
};

/**
 * Resources and prompts are about the account's data, so they need `read`: without it their lists are empty and a
 * read or a prompt is refused with FORBIDDEN. Undefined: the request may go on to the server.
 */
export function scopeGate(
  req: JSONRPCRequest,
  scope: Pick<CallScope, "principal" | "requestId">,
  mode: TradingMode,
): JsonRpcReply | undefined {
  const { principal, requestId } = scope;
  if (!/^(resources|prompts)\//.test(req.method) || principal.scopes.has("read")) return undefined;
  const empty = emptyLists[req.method];
  if (empty) return { jsonrpc: "2.0", id: req.id, result: empty };
  const err = forbidden(principal, req.method, "read");
  return {
    jsonrpc: "2.0",
    id: req.id,
    error: {
      code: JsonRpcCode.forbidden,
      message: errorText(err, mode, requestId),
      data: { ...err.toInfo(), requestId },
    },
  };
}
