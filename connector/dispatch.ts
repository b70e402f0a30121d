import { type Logger, pino } from "pino";
import type { CallContext } from "../shared/bus.ts";
import { startDeadline, withinDeadline } from "../shared/deadline.ts";
import { describeIssues } from "../shared/describe-issues.ts";
import { IbMcpError, toIbMcpError } from "../shared/errors.ts";
import { ANONYMOUS_PRINCIPAL } from "../shared/principals.ts";
import type { ToolDef } from "../shared/tool-def.ts";
import { catalogue } from "../shared/tools/index.ts";
import { cancellable } from "./cancel-registry.ts";
import { createCoalescer, type SharedRun } from "./coalesce.ts";
import type { ConnectorServices, HandlerEntry } from "./handlers/context.ts";
import { handlers as defaultHandlers } from "./handlers/index.ts";
import type { QuotaGuard } from "./principals/quotas.ts";

/** A tool call by name: what the NATS endpoints and the in-process bus both call. Rejects only with IbMcpError. */
export type Dispatcher = (tool: string, rawArgs: unknown, ctx: CallContext) => Promise<unknown>;

export interface DispatcherDeps {
  services: ConnectorServices;
  /** Injectable for tests; default to connector/handlers and the shared catalogue. */
  handlers?: ReadonlyMap<string, HandlerEntry>;
  tools?: readonly ToolDef[];
  logger?: Logger;
  /** Used when the caller sends no usable deadline. */
  defaultTimeoutMs?: number;
  /** Per-principal call quotas (connector/principals/quotas.ts); absent: unlimited. */
  quotas?: Pick<QuotaGuard, "enter">;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
/** Longer than any IB answer takes; a larger caller deadline is cut to this. */
const MAX_TIMEOUT_MS = 300_000;

function withRequestId(err: IbMcpError, requestId: string): IbMcpError {
  if (err.requestId !== undefined || !requestId) return err;
  return new IbMcpError(err.code, err.message, {
    retryable: err.retryable,
    retryAfterMs: err.retryAfterMs,
    requestId,
    cause: err.cause,
  });
}

/**
 * The one shared wrapper around every handler: finds the tool, validates the arguments with the catalogue's
 * schema, refuses trade tools when read-only, coalesces identical concurrent read calls (each caller keeping
 * its own deadline), enforces the deadline and turns every failure into an IbMcpError.
 */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const handlers = deps.handlers ?? defaultHandlers;
  const logger = deps.logger ?? pino({ level: "silent" });
  const defaultTimeoutMs = deps.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  // identical read calls running at the same time share one handler run (and so one IB request)
  const running = createCoalescer();
  const tools = new Map((deps.tools ?? catalogue).map((t) => [t.name, t]));
  const known = [...tools.keys()].join(", ");

  function prepare(name: string, rawArgs: unknown): { tool: ToolDef; entry: HandlerEntry; args: unknown } {
    const tool = tools.get(name);
    const entry = handlers.get(name);
    if (!tool || !entry)
      throw new IbMcpError("INVALID_ARGUMENT", `unknown tool "${name}"; known tools: ${known}`);
    const parsed = tool.input.safeParse(rawArgs ?? {});
    if (!parsed.success) throw new IbMcpError("INVALID_ARGUMENT", describeIssues(name, parsed.error));
    if (tool.access === "trade" && deps.services.readOnly)
      throw new IbMcpError(
        "READ_ONLY",
        `${name} places or changes orders, and this connector is read-only (IB_READONLY=true)`,
      );
    return { tool, entry, args: parsed.data };
  }

  return async function dispatch(name, rawArgs, ctx) {
    const requestId = ctx.requestId ?? "";
    const timeoutMs =
      Number.isFinite(ctx.timeoutMs) && ctx.timeoutMs > 0
        ? Math.min(ctx.timeoutMs, MAX_TIMEOUT_MS)
        : defaultTimeoutMs;
    const deadline = startDeadline(timeoutMs);
    const principal = ctx.principal ?? ANONYMOUS_PRINCIPAL;
    const log = logger.child({ requestId, tool: name, principal });
    let leave: (() => void) | undefined;
    try {
      const { tool, entry, args } = prepare(name, rawArgs);
      // each caller's call counts against its own quota, even when it joins an identical running call; a cancel
      // counts against none: pulling orders must not wait for a quota
      leave = tool.reducesRisk ? undefined : deps.quotas?.enter(principal);
      // `signal` stays a getter all the way down, so a call that never needs one (a cache hit) never makes one
      const run = (shared: SharedRun) =>
        entry.run(args, {
          ...deps.services,
          get signal() {
            return shared.signal;
          },
          // a getter too: a caller joining later lends the shared run its longer deadline
          get deadlineAt() {
            return shared.deadlineAt;
          },
          principal,
          requestId,
          logger: log,
        });
      // a read call also leaves when its caller cancels; a trade call runs to its end once it started
      const caller = ctx.onCancel && tool.access === "read" ? cancellable(deadline, ctx.onCancel) : deadline;
      // each caller of a shared read leaves at its own deadline (the coalescer's race); a trade call races here
      return await (tool.access === "read"
        ? running.join(`${name} ${JSON.stringify(args)}`, caller, run)
        : withinDeadline(run(deadline), deadline));
    } catch (err) {
      const mapped = withRequestId(toIbMcpError(err, `${name} failed unexpectedly`), requestId);
      if (mapped.code === "INTERNAL") log.error({ err: mapped.cause ?? mapped }, mapped.message);
      else log.debug({ code: mapped.code }, mapped.message);
      throw mapped;
    } finally {
      leave?.();
      deadline.dispose();
    }
  };
}
