import type { Logger } from "pino";
import type { TradingMode } from "../../shared/mode.ts";
import type { ToolDef, ToolInput, ToolOutput } from "../../shared/tool-def.ts";
import type { ContractResolver } from "../contracts.ts";
import type { IbClient, RequestScope } from "../ib/client.ts";
import type { IbSession } from "../ib/session.ts";
import type { TradingDesk } from "../orders/desk.ts";
import type { RequestCache } from "../request-cache.ts";

/** What lives as long as the connector and every handler may use. */
export interface ConnectorServices {
  mode: TradingMode;
  readOnly: boolean;
  session: IbSession;
  ib: IbClient;
  contracts: ContractResolver;
  /** Historical results by request key, kept for IB's 15 s identical-request window. */
  history: RequestCache<unknown>;
  /** Order tools' state (switches, limits, audit, IB order calls); absent in connectors built without it. */
  trading?: TradingDesk;
}

/** What a handler gets with its arguments: the services plus this call's deadline, request id and logger. */
export interface HandlerContext extends ConnectorServices, RequestScope {
  requestId: string;
  logger: Logger;
}

/** One tool's IB work: parsed arguments in, the catalogue's output shape out. */
export type Handler<T extends ToolDef> = (args: ToolInput<T>, ctx: HandlerContext) => Promise<ToolOutput<T>>;

/** A handler with its tool, so the dispatcher can find both by name; `N` is the tool's name when it is known. */
export interface HandlerEntry<N extends string = string> {
  tool: ToolDef & { name: N };
  run(args: unknown, ctx: HandlerContext): Promise<unknown>;
}

/** Pairs a tool with its handler, keeping the handler's types tied to the tool's schemas and its name. */
export function defineHandler<T extends ToolDef>(tool: T, handler: Handler<T>): HandlerEntry<T["name"]> {
  return { tool, run: (args, ctx) => handler(args as ToolInput<T>, ctx) };
}
