import { z } from "zod";
import { TradingMode } from "../../shared/mode.ts";

/** What the lease key holds, readable by an operator: `nats kv get ib_mcp_leases paper`. */
export const LeaseValue = z.object({
  holderId: z.string().min(1),
  mode: TradingMode,
  /** ISO time the holder took the lease; unchanged by renewals. */
  takenAt: z.string(),
  /** ISO time of the latest renewal. */
  renewedAt: z.string(),
  ttlMs: z.number().int().positive(),
});
export type LeaseValue = z.infer<typeof LeaseValue>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeLeaseValue(value: LeaseValue): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** The stored value, or undefined when the bytes are not a lease (someone wrote the key by hand). */
export function decodeLeaseValue(bytes: Uint8Array): LeaseValue | undefined {
  try {
    const parsed = LeaseValue.safeParse(JSON.parse(decoder.decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
