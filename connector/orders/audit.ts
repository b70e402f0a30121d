import { open } from "node:fs/promises";
import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";

/** One line of the audit log. Tokens and secrets never go in: only the order ref derived from a token. */
export interface AuditEntry {
  event: "preview" | "place" | "modify" | "cancel" | "cancel_all" | "refused" | "kill_switch";
  tool: string;
  requestId: string;
  clientInfo?: string;
  account?: string;
  mode: TradingMode;
  params?: unknown;
  orderId?: number;
  orderRef?: string;
  outcome: string;
  error?: { code: string; message: string };
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
        throw new IbMcpError(
          "INTERNAL",
          `the audit log ${path} could not be written; ask the operator to check AUDIT_LOG_PATH`,
          { cause: err },
        );
      });
    },
  };
}
