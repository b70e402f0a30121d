import { type NatsConnection, headers as natsHeaders } from "@nats-io/nats-core";
import type { TradingMode } from "../../shared/mode.ts";
import { Headers, subjectFor } from "../../shared/subjects.ts";
import { decodeReply } from "../../shared/wire.ts";

/**
 * Calls a tool over NATS as a gateway would for an authenticated `principal` (X-Principal, X-Timeout-Ms,
 * X-Request-Id). Resolves with the result; rejects with the connector's IbMcpError (code, retryAfterMs).
 */
export async function callAs(
  nc: NatsConnection,
  mode: TradingMode,
  tool: string,
  args: unknown,
  principal: string | undefined,
  timeoutMs = 15_000,
): Promise<unknown> {
  const h = natsHeaders();
  if (principal) h.set(Headers.principal, principal);
  h.set(Headers.timeoutMs, String(timeoutMs));
  h.set(Headers.requestId, `${principal ?? "anon"}-${Math.random().toString(36).slice(2, 10)}`);
  const reply = await nc.request(subjectFor(mode, tool), JSON.stringify(args), {
    timeout: timeoutMs + 2_000,
    headers: h,
  });
  return decodeReply(reply.data, reply.headers?.get("Nats-Service-Error") || undefined);
}
