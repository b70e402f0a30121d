import { IbMcpError, toIbMcpError } from "../../shared/errors.ts";
import type { HandlerContext } from "../handlers/context.ts";
import type { AuditEntry } from "./audit.ts";
import type { TradingDesk } from "./desk.ts";

/** The connector's trading desk; READ_ONLY when this connector was started without one. */
export function deskOf(ctx: HandlerContext): TradingDesk {
  if (!ctx.trading) throw new IbMcpError("READ_ONLY", "this connector has no trading configured");
  return ctx.trading;
}

type Known = Pick<AuditEntry, "clientInfo" | "account" | "params" | "orderId" | "orderRef">;

/**
 * Runs one trade tool's work and appends its audit line before the reply leaves: the success entry `work`
 * returns, or a "refused" line with the error's code and message. `known` grows as the work learns more.
 */
export async function audited<T>(
  ctx: HandlerContext,
  tool: string,
  known: Known,
  work: (known: Known) => Promise<{ result: T; event: AuditEntry["event"]; outcome: string }>,
): Promise<T> {
  const desk = deskOf(ctx);
  const base = { tool, requestId: ctx.requestId, mode: desk.mode };
  let done: { result: T; event: AuditEntry["event"]; outcome: string };
  try {
    done = await work(known);
  } catch (err) {
    const e = toIbMcpError(err, `${tool} failed unexpectedly`);
    await desk.audit.append({
      ...base,
      ...known,
      event: "refused",
      outcome: e.code,
      error: { code: e.code, message: e.message },
    });
    throw err;
  }
  await desk.audit.append({ ...base, ...known, event: done.event, outcome: done.outcome });
  return done.result;
}
