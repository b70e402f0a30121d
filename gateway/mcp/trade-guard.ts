import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import type { ToolCaller } from "./call-tool.ts";
import { errorResult } from "./tool-result.ts";

/**
 * The gateway's live-trading switch: for live a trade tool is refused here, before the bus, unless
 * GATEWAY_ALLOW_LIVE_TRADING=true. The connector holds the other switch (CONNECTOR_ALLOW_LIVE_TRADING).
 */
export function guardLiveTrading(
  callTool: ToolCaller,
  mode: TradingMode,
  allowLiveTrading: boolean,
): ToolCaller {
  if (mode !== "live" || allowLiveTrading) return callTool;
  return async function liveTradingGuard(tool, args, scope, signal) {
    if (tool.access !== "trade") return callTool(tool, args, scope, signal);
    const err = new IbMcpError(
      "READ_ONLY",
      `${tool.name} refused: live trading is off on the gateway: GATEWAY_ALLOW_LIVE_TRADING=true is missing (the operator must set it on the gateway serving live)`,
    );
    return errorResult(err, mode, scope.requestId);
  };
}
