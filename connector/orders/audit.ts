import { open } from "node:fs/promises";
import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";

/** One line of the audit log. Tokens and secrets never go in: only the order ref derived from a token. */
export interface AuditEntry {
  /** "intent" is written (and synced) before an order, change or cancel is sent; its outcome line follows. */
  event: "intent" | "preview" | "place" | "modify" | "cancel" | "cancel_all" | "refused" | "kill_switch";
  tool: string;
  requestId: string;
  /** Who asked (shared/principals.ts): the gateway's authenticated caller, `anonymous` without one. */
  principal: string;
  clientInfo?: string;
  account?: string;
  mode: TradingMode;
  params?: unknown;
  orderId?: number;
  orderRef?: string;
  outcome: string;
  error?: { code: string; message: string };
}

/**
 * The audit log could not take a line. READ_ONLY and never retryable: trading stays stopped until the operator
 * makes AUDIT_LOG_PATH writable, and a retry must not look like an invitation to send the order again.
 */
export class AuditLogUnwritable extends IbMcpError {
  /** Why the write failed, e.g. "EISDIR" or "ENOSPC"; no file contents. */
  readonly reason: string;
  constructor(path: string, cause: unknown) {
    const reason = (cause as { code?: unknown })?.code ?? (cause instanceof Error ? cause.name : "error");
    super("READ_ONLY", `the audit log ${path} cannot be written (${String(reason)})`, {
      retryable: false,
      cause,
    });
    this.reason = String(reason);
  }
}

export interface AuditLog {
  /** Appends one JSON line and syncs it to disk before resolving; callers reply only after it resolved. */
  append(entry: AuditEntry): Promise<void>;
  readonly path: string;
}

/** A JSONL audit log at `path`, appended in order (one write at a time) and synced after every line. */
export function createAuditLog(path: string, now: () => Date = () => new Date()): AuditLog {
  let tail: Promise<void> = Promise.resolve();
  const write = async (line: string) => {
    const file = await open(path, "a", 0o600);
    try {
      await file.write(line);
      await file.datasync();
    } finally {
      await file.close();
    }
  };
  return {
    path,
    append(entry) {
      const line = `${JSON.stringify({ time: now().toISOString(), ...entry })}\n`;
      const done = tail.then(() => write(line));
      tail = done.catch(() => undefined);
      return done.catch((err: unknown) => {
        // an order we cannot account for must not be answered as if it were recorded
        throw new AuditLogUnwritable(path, err);
      });
    },
  };
}
