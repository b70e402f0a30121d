import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type ErrorInfo, IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import { getConnectionStatus } from "../../shared/tools/get-connection-status.ts";
import type { CallScope, ToolCaller } from "./call-tool.ts";
import { ERROR_META_KEY, errorResult } from "./tool-result.ts";

/**
 * The gateway's trading switches: for live a trade tool is refused here, before the bus, unless
 * GATEWAY_ALLOW_LIVE_TRADING=true (the connector holds the other switch, CONNECTOR_ALLOW_LIVE_TRADING); and a trade
 * tool that finds no endpoint on a connector that does answer is told READ_ONLY (see explainReadOnlyConnector).
 */
export function guardLiveTrading(
  callTool: ToolCaller,
  mode: TradingMode,
  allowLiveTrading: boolean,
): ToolCaller {
  const explained = explainReadOnlyConnector(callTool, mode);
  if (mode !== "live" || allowLiveTrading) return explained;
  return async function liveTradingGuard(tool, args, scope, signal) {
    if (tool.access !== "trade") return explained(tool, args, scope, signal);
    const err = new IbMcpError(
      "READ_ONLY",
      `${tool.name} refused: live trading is off on the gateway: GATEWAY_ALLOW_LIVE_TRADING=true is missing (the operator must set it on the gateway serving live)`,
    );
    return errorResult(err, mode, scope.requestId);
  };
}

const codeOf = (r: CallToolResult) => (r._meta?.[ERROR_META_KEY] as ErrorInfo | undefined)?.code;

/**
 * A read-only connector registers no order endpoint, so a trade call finds no responder, which alone would read
 * "start the connector". When the connector's read side answers and says trading is off, the caller gets READ_ONLY
 * with the connector's own reason (naming its switch) instead.
 */
export function explainReadOnlyConnector(callTool: ToolCaller, mode: TradingMode): ToolCaller {
  return async function readOnlyConnectorGuard(tool, args, scope: CallScope, signal) {
    const result = await callTool(tool, args, scope, signal);
    if (tool.access !== "trade" || codeOf(result) !== "CONNECTOR_UNAVAILABLE") return result;
    const status = await callTool(getConnectionStatus, {}, scope);
    const trading = (
      status.structuredContent as { trading?: { enabled: boolean; refusal?: string } } | undefined
    )?.trading;
    if (status.isError || trading?.enabled) return result;
    const why =
      trading?.refusal ??
      "this connector has no trading configured (IB_READONLY=true, the default); the operator sets IB_READONLY=false and ORDER_TOKEN_SECRET to trade";
    return errorResult(
      new IbMcpError(
        "READ_ONLY",
        `${tool.name} refused: the ${mode} connector serves no order tools: ${why}`,
      ),
      mode,
      scope.requestId,
    );
  };
}
