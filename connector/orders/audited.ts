import { IbMcpError, toIbMcpError } from "../../shared/errors.ts";
import { ANONYMOUS_PRINCIPAL } from "../../shared/principals.ts";
import type { HandlerContext } from "../handlers/context.ts";
import { type AuditEntry, AuditLogUnwritable } from "./audit.ts";
import type { TradingDesk } from "./desk.ts";

/** The connector's trading desk; READ_ONLY when this connector was started without one. */
export function deskOf(ctx: HandlerContext): TradingDesk {
  if (!ctx.trading) throw new IbMcpError("READ_ONLY", "this connector has no trading configured");
  return ctx.trading;
}

export type Known = Pick<AuditEntry, "clientInfo" | "account" | "params" | "orderId" | "orderRef">;

/** What a trade tool's work gets: the facts it has learnt so far, and the intent line to write before it sends. */
export interface AuditStep {
  known: Known;
  /**
   * Writes and syncs the intent line (what is about to be sent, from `known`). Call it before the first byte of an
   * order, change or cancel goes to IB; it throws READ_ONLY, and the work must send nothing, when it cannot. A cancel
   * passes `reducesRisk`: a full disk must not keep an agent from pulling its orders, so it goes on, and its answer
   * says the log could not be written (the outcome line fails the same way).
   */
  intent(opts?: { reducesRisk?: boolean }): Promise<void>;
}

interface Done<T> {
  result: T;
  event: AuditEntry["event"];
  outcome: string;
}

const STOPPED = "Trading is stopped until the operator makes AUDIT_LOG_PATH writable (no restart needed)";

function unwritable(err: unknown, message: string): IbMcpError {
  return new IbMcpError("READ_ONLY", message, { retryable: false, cause: err });
}

const reasonOf = (err: unknown) =>
  err instanceof AuditLogUnwritable ? err.message : "the audit log cannot be written";

/** What was done at IB, for an answer whose outcome line could not be written. */
function doneAtIb(tool: string, k: Known, outcome: string): string {
  const order = k.orderId !== undefined ? ` order ${k.orderId}` : "";
  const ref = k.orderRef ? ` (orderRef ${k.orderRef})` : "";
  return `${tool} WAS carried out at IB:${order}${ref} ${outcome}`;
}

/**
 * Runs one trade tool's work with its audit lines: the intent line (when the work calls `intent`) before anything
 * is sent, then the outcome line before the reply leaves: the success entry `work` returns, or a "refused" line with
 * the error's code and message. An unwritable log stops the work before it sends, and an outcome it cannot record
 * is still told truthfully, with the audit failure beside it.
 */
export async function audited<T>(
  ctx: HandlerContext,
  tool: string,
  known: Known,
  work: (step: AuditStep) => Promise<Done<T>>,
): Promise<T> {
  const desk = deskOf(ctx);
  const base = {
    tool,
    requestId: ctx.requestId,
    principal: ctx.principal ?? ANONYMOUS_PRINCIPAL,
    mode: desk.mode,
  };
  let intentFailed = false;
  const intent = async (opts: { reducesRisk?: boolean } = {}) => {
    try {
      await desk.audit.append({ ...base, ...known, event: "intent", outcome: "sending to IB" });
    } catch (err) {
      if (opts.reducesRisk) return;
      intentFailed = true;
      throw unwritable(err, `${tool} refused: ${reasonOf(err)}, so nothing was sent to IB. ${STOPPED}`);
    }
  };
  let done: Done<T>;
  try {
    done = await work({ known, intent });
  } catch (err) {
    if (intentFailed) throw err;
    const e = toIbMcpError(err, `${tool} failed unexpectedly`);
    try {
      await desk.audit.append({
        ...base,
        ...known,
        event: "refused",
        outcome: e.code,
        error: { code: e.code, message: e.message },
      });
    } catch (auditErr) {
      throw unwritable(
        auditErr,
        `${tool} failed (${e.code}: ${e.message}), and ${reasonOf(auditErr)}. ${STOPPED}`,
      );
    }
    throw err;
  }
  try {
    await desk.audit.append({ ...base, ...known, event: done.event, outcome: done.outcome });
  } catch (auditErr) {
    const what =
      done.event === "preview"
        ? `${tool} could not be recorded (no order was sent; its token is withheld)`
        : `${doneAtIb(tool, known, done.outcome)}; do not send it again`;
    throw unwritable(auditErr, `${what}. But ${reasonOf(auditErr)}. ${STOPPED}`);
  }
  return done.result;
}
