import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "pino";
import type { Bus, CallContext } from "../../shared/bus.ts";
import { startDeadline, withinDeadline } from "../../shared/deadline.ts";
import { IbMcpError, toIbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import type { ToolDef } from "../../shared/tool-def.ts";
import type { Principal } from "../auth/principal.ts";
import type { GatewayMetrics } from "../metrics.ts";
import type { ToolSelection } from "./tool-list.ts";
import { errorResult, successResult } from "./tool-result.ts";

/** What one HTTP request carries into the tool calls it contains. */
export interface CallScope {
  requestId: string;
  traceparent: string | undefined;
  /** Epoch milliseconds by which the answer must be ready. */
  deadlineAt: number;
  /** The tools the request's URL serves. */
  selection: ToolSelection;
  /** Who calls, as authentication decided (never what the agent says); its name travels to the connector. */
  principal: Principal;
}

/** `signal` aborts when nobody waits for the answer any more (the HTTP client hung up, or the mux gave up). */
export type ToolCaller = (
  tool: ToolDef,
  args: unknown,
  scope: CallScope,
  signal?: AbortSignal,
) => Promise<CallToolResult>;

/** A signal as the bus's cancellation hook: `fn` runs once when it aborts; the result unsubscribes. */
function onAbortOf(signal: AbortSignal): CallContext["onCancel"] {
  return (fn) => {
    if (signal.aborted) {
      fn(signal.reason);
      return () => undefined;
    }
    const listener = () => fn(signal.reason);
    signal.addEventListener("abort", listener, { once: true });
    return () => signal.removeEventListener("abort", listener);
  };
}

// Codes that describe the caller's request rather than a fault of ours: logged quietly.
const expectedCodes = new Set([
  "INVALID_ARGUMENT",
  "NOT_FOUND",
  "RATE_LIMITED",
  "NO_MARKET_DATA_PERMISSION",
  "FORBIDDEN",
]);

/** Calls a tool over the bus within the request's deadline and turns the outcome into an MCP result. */
export function createToolCaller(deps: {
  bus: Bus;
  mode: TradingMode;
  metrics: GatewayMetrics;
  logger: Logger;
}): ToolCaller {
  const { bus, mode, metrics, logger } = deps;
  return async function callTool(tool, args, scope, signal) {
    const started = performance.now();
    try {
      const remaining = scope.deadlineAt - Date.now();
      if (remaining <= 0)
        throw new IbMcpError("TIMEOUT", `the request's deadline passed before ${tool.name} started`);
      const ctx: CallContext = {
        requestId: scope.requestId,
        timeoutMs: remaining,
        traceparent: scope.traceparent,
        principal: scope.principal.name,
      };
      if (signal) ctx.onCancel = onAbortOf(signal);
      // The bus honours timeoutMs itself; the race only guards against a bus that does not.
      const deadline = startDeadline(
        remaining,
        `${tool.name} got no answer within the gateway's deadline of ${remaining} ms`,
      );
      const result = await withinDeadline(bus.call(mode, tool.name, args, ctx), deadline).finally(
        deadline.dispose,
      );
      metrics.busRoundTrip.observe({ tool: tool.name }, (performance.now() - started) / 1000);
      const out = successResult(tool, result);
      metrics.toolCalls.inc({ tool: tool.name, code: "OK" });
      logger.debug(
        {
          requestId: scope.requestId,
          principal: scope.principal.name,
          tool: tool.name,
          ms: performance.now() - started,
        },
        "tool call",
      );
      return out;
    } catch (err) {
      const e = toIbMcpError(err, `${tool.name} failed inside the gateway`);
      metrics.toolCalls.inc({ tool: tool.name, code: e.code });
      metrics.toolErrors.inc({ tool: tool.name, code: e.code });
      // INTERNAL is a bug: keep the cause's stack. Otherwise the cause's message is enough to tell what happened.
      const cause = e.code === "INTERNAL" ? e.cause : e.cause instanceof Error ? e.cause.message : undefined;
      const entry = {
        requestId: scope.requestId,
        principal: scope.principal.name,
        tool: tool.name,
        code: e.code,
        message: e.message,
        cause,
      };
      if (expectedCodes.has(e.code)) logger.info(entry, "tool call refused");
      else logger.warn(entry, "tool call failed");
      return errorResult(e, mode, scope.requestId);
    }
  };
}
