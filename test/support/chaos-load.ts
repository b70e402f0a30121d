import type { Client } from "@modelcontextprotocol/sdk/client/index.js";

/** One tool call of the load: when it ran, through which gateway, and how it ended. */
export interface CallRecord {
  gateway: number;
  start: number;
  end: number;
  ok: boolean;
  code?: string;
  retryable?: boolean;
  text?: string;
}

type Result = { isError?: boolean; content?: Array<{ text?: string }>; _meta?: Record<string, unknown> };

const SYMBOLS = ["AAPL", "MSFT", "IBM", "NVDA", "TSLA", "AMZN", "GOOGL", "META"];

/**
 * Runs `workers` loops per client, each calling ticker_to_conid back to back (as agents retrying nothing),
 * until stop(); every call is recorded with its outcome. A thrown call (HTTP failure) counts as a failure.
 */
export function startLoad(clients: Client[], workers: number) {
  const records: CallRecord[] = [];
  let running = true;
  const loops = clients.flatMap((client, gateway) =>
    Array.from({ length: workers }, async (_, w) => {
      let i = w;
      while (running) {
        const start = Date.now();
        const symbol = SYMBOLS[i++ % SYMBOLS.length];
        try {
          const r = (await client.callTool({ name: "ticker_to_conid", arguments: { symbol } })) as Result;
          const err = r._meta?.["ib-mcp/error"] as { code?: string; retryable?: boolean } | undefined;
          records.push({
            gateway,
            start,
            end: Date.now(),
            ok: r.isError !== true,
            code: err?.code,
            retryable: err?.retryable,
            text: r.isError ? r.content?.[0]?.text : undefined,
          });
        } catch (e) {
          records.push({ gateway, start, end: Date.now(), ok: false, text: String(e) });
        }
      }
    }),
  );
  return {
    records,
    async stop(): Promise<CallRecord[]> {
      running = false;
      await Promise.all(loops);
      return records;
    },
  };
}

/** Calls that ended in [from, to]: in flight at a fault or started during it, and judged before the next one. */
export const endedIn = (records: CallRecord[], from: number, to: number) =>
  records.filter((r) => r.end >= from && r.end <= to);

/** Calls started in [from, to). */
export const startedIn = (records: CallRecord[], from: number, to: number) =>
  records.filter((r) => r.start >= from && r.start < to);

/** calls, failures and the longest call, for the report. */
export function figures(records: CallRecord[]) {
  const failures = records.filter((r) => !r.ok);
  return {
    calls: records.length,
    failures: failures.length,
    maxMs: records.reduce((m, r) => Math.max(m, r.end - r.start), 0),
    codes: [...new Set(failures.map((f) => f.code ?? "thrown"))].join(","),
  };
}
