import { hostname } from "node:os";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Logger } from "pino";
import type { ConnectorEnv } from "../shared/config.ts";
import type { IbSession } from "./ib/session.ts";
import { createLease, type Lease } from "./lease/index.ts";
import type { AuditLog } from "./orders/audit.ts";
import type { TradingDesk } from "./orders/desk.ts";
import { serveKillSwitch } from "./orders/kill-switch-subject.ts";
import { type ConnectorService, type ConnectorServiceOptions, startConnectorService } from "./service.ts";

/** What the lease loop drives: a fresh IB session per term, the NATS service, and the standby flag. */
export interface LeaseTermsDeps {
  nc: NatsConnection;
  env: ConnectorEnv;
  logger: Logger;
  trading: TradingDesk;
  audit: AuditLog;
  /** Stops the loop: the process is closing. */
  closing: AbortSignal;
  /** Replaces the IB session with a fresh, started one for a new term. */
  newTerm(): IbSession;
  /** The service options but the connection (the dispatcher, metadata, stats, trading). */
  service: Omit<ConnectorServiceOptions, "nc" | "logger" | "mode">;
  /** Kept up to date by the loop: whether this process waits for the lease, and the service serving now. */
  live: TermState;
}

export interface TermState {
  standby: boolean;
  service: ConnectorService | undefined;
}

/**
 * Serves the mode while this process holds its lease: one term per tenure, with a fresh IB session and the NATS
 * service, both dropped together on loss, then the lease is waited for again. The kill switch answers even on a
 * standby: stopping orders must not wait for a lease.
 */
export function serveWhileLeased(deps: LeaseTermsDeps): { lease: Lease; ownership: Promise<void> } {
  const { nc, env, logger, closing } = deps;
  const killSwitch = serveKillSwitch(nc, deps.trading, deps.audit, logger);
  closing.addEventListener("abort", () => killSwitch.unsubscribe(), { once: true });
  const lease = createLease({
    nc,
    mode: env.TRADING_MODE,
    holderId: env.CONNECTOR_ID ?? `${hostname()}:${process.pid}`,
    ttlMs: env.LEASE_TTL_MS,
    replicas: env.NATS_JS_REPLICAS,
    logger,
  });
  let onLost: (reason: string) => void = () => undefined;
  lease.onLost((reason) => onLost(reason));
  const closed = new Promise<string>((resolve) =>
    closing.addEventListener("abort", () => resolve("closing"), { once: true }),
  );
  const pause = (ms: number) => Promise.race([new Promise((r) => setTimeout(r, ms)), closed]);
  const lost = () =>
    new Promise<string>((resolve) => {
      onLost = resolve;
    });
  const terms = async () => {
    while (!closing.aborted) {
      deps.live.standby = true;
      try {
        await lease.acquire(closing);
      } catch (err) {
        if (closing.aborted) return;
        logger.warn({ err }, "taking the lease failed; retrying in 1 s");
        await pause(1_000);
        continue;
      }
      deps.live.standby = false;
      const reason = await oneTerm(deps, lease, lost(), closed);
      if (closing.aborted) return;
      logger.error({ reason }, "stopped serving and dropped IB; waiting for the lease again");
      await pause(1_000);
    }
  };
  const ownership = terms().catch((err: unknown) => logger.error({ err }, "lease loop crashed"));
  return { lease, ownership };
}

/** One tenure: a fresh IB session and the NATS service until the lease is lost or the process closes. */
async function oneTerm(
  deps: LeaseTermsDeps,
  lease: Lease,
  lost: Promise<string>,
  closed: Promise<string>,
): Promise<string> {
  const session = deps.newTerm();
  let service: ConnectorService | undefined;
  let reason: string;
  try {
    service = await startConnectorService({
      ...deps.service,
      nc: deps.nc,
      mode: deps.env.TRADING_MODE,
      logger: deps.logger,
    });
    deps.live.service = service;
    reason = await Promise.race([lost, closed]);
  } catch (err) {
    reason = `the NATS service could not start: ${(err as Error).message}`;
    await lease.release().catch(() => undefined);
  }
  // IB first and without waiting for NATS: cut off from NATS, stopping the service (an unsubscribe and a
  // flush) waits for a server it cannot reach, while a standby may take the lease once it lapses.
  const stopping = service?.stop().catch(() => undefined);
  deps.live.service = undefined;
  await session.close();
  await stopping;
  return reason;
}
