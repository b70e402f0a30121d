import { hostname } from "node:os";
import type { NatsConnection } from "@nats-io/nats-core";
import { type Logger, pino } from "pino";
import type { ConnectorEnv } from "../shared/config.ts";
import type { ToolDef, ToolOutput } from "../shared/tool-def.ts";
import type { getConnectionStatus } from "../shared/tools/get-connection-status.ts";
import { createContractResolver } from "./contracts.ts";
import { createDispatcher, type Dispatcher } from "./dispatch.ts";
import type { ConnectorServices } from "./handlers/context.ts";
import { createIbClient } from "./ib/client.ts";
import { createIbOrders, type IbOrders } from "./ib/orders.ts";
import { createIbSession, type IbSession } from "./ib/session.ts";
import { createLease, type Lease } from "./lease/index.ts";
import { createAuditLog } from "./orders/audit.ts";
import { createTradingDesk } from "./orders/desk.ts";
import { kvJournal, memoryJournal } from "./orders/journal.ts";
import { serveKillSwitch } from "./orders/kill-switch-subject.ts";
import { kvRiskStore } from "./orders/risk-state-kv.ts";
import { memoryRiskStore } from "./orders/risk-state-memory.ts";
import { createPacer } from "./pacing/index.ts";
import { createPrincipals } from "./principals/index.ts";
import { createRequestCache } from "./request-cache.ts";
import { type ConnectorService, startConnectorService } from "./service.ts";

export type ConnectionStatus = ToolOutput<typeof getConnectionStatus>;

export interface ConnectorHandle {
  /** Calls a tool; what the NATS service and the in-process bus use. */
  dispatcher: Dispatcher;
  /** The IB link now; the trading part (read from the risk store) is in get_connection_status and $SRV.STATS. */
  status(): ConnectionStatus;
  /** Resolves once IB is ready; rejects after timeoutMs (default IB_CONNECT_TIMEOUT_MS × 2) saying why not. */
  ready(timeoutMs?: number): Promise<void>;
  /** Stops serving, releases the lease, disconnects from IB. */
  close(): Promise<void>;
  /** Re-reads MCP_PRINCIPALS_FILE (SIGHUP); throws a ConfigError saying why, and keeps the old file, when it is bad. */
  reloadPrincipals(): void;
}

export interface StartConnectorOptions {
  /** With a connection the connector takes the mode's lease, then serves the NATS micro service while it holds it. */
  nc?: NatsConnection;
  logger?: Logger;
  /** Historical results answer identical requests for this long (IB's identical-request window). */
  historyTtlMs?: number;
  /** Multiplies the pacer's windows; tests pair it with the simulator's timeScale. */
  pacingTimeScale?: number;
  /** Wraps the IB order calls; tests stand in for what the simulator lacks (IB's what-if check). */
  wrapOrders?: (real: IbOrders) => IbOrders;
  /** The catalogue the dispatcher validates with; tests loosen it to reach the guard at the wire. */
  tools?: readonly ToolDef[];
}

/** IB refuses an identical historical request within 15 s: answer it from the first result instead. */
const HISTORY_TTL_MS = 15_000;

/**
 * Starts the connector for env.TRADING_MODE. It returns at once; IB is connected in the background (forever,
 * with backoff). With opts.nc, IB is connected and the NATS service served only while this process holds
 * the mode's lease; on loss both are dropped at once and the lease is waited for again.
 */
export async function startConnector(
  env: ConnectorEnv,
  opts: StartConnectorOptions = {},
): Promise<ConnectorHandle> {
  const mode = env.TRADING_MODE;
  const logger = (opts.logger ?? pino({ level: env.LOG_LEVEL, base: { app: "ib-mcp" } })).child({
    component: "connector",
    mode,
  });
  const principals = createPrincipals(env.MCP_PRINCIPALS_FILE);
  const pacer = createPacer({
    maxMarketDataLines: env.IB_MAX_MARKET_DATA_LINES,
    timeScale: opts.pacingTimeScale ?? 1,
    // general requests wait their turn in the pacer, fairly, rather than in @stoqey/ib's one send queue
    messagesPerSec: env.IB_MAX_MESSAGES_PER_SEC,
    ...principals.pacing,
  });
  let session: IbSession;
  const ib = createIbClient(() => session, pacer);
  const contracts = createContractResolver(ib);
  const history = createRequestCache<unknown>({ ttlMs: opts.historyTtlMs ?? HISTORY_TTL_MS });

  const newSession = (): IbSession => {
    const s = createIbSession({
      host: env.IB_HOST,
      port: env.IB_PORT,
      clientId: env.IB_CLIENT_ID,
      connectTimeoutMs: env.IB_CONNECT_TIMEOUT_MS,
      maxReqPerSec: env.IB_MAX_MESSAGES_PER_SEC,
      reconnectMaxMs: env.IB_RECONNECT_MAX_MS,
      logger,
    });
    s.onResync(() => {
      contracts.clear();
      history.clear();
    });
    s.onStateChange(() => service?.refreshMetadata());
    return s;
  };
  session = newSession();
  const audit = createAuditLog(env.AUDIT_LOG_PATH);
  const ibOrders = createIbOrders(() => session, pacer);
  const kvOpts = { replicas: env.NATS_JS_REPLICAS, logger };
  const journal = opts.nc ? kvJournal(opts.nc, mode, kvOpts) : memoryJournal();
  // shared by every connector of the mode (the standby too) when there is NATS; this process only without
  const risk = opts.nc ? kvRiskStore(opts.nc, mode, undefined, kvOpts) : memoryRiskStore();
  const trading = createTradingDesk(env, opts.wrapOrders?.(ibOrders) ?? ibOrders, audit, journal, risk);
  const services: ConnectorServices = {
    trading,
    mode,
    readOnly: env.IB_READONLY,
    get session() {
      return session;
    },
    ib,
    contracts,
    history,
  };
  const dispatcher = createDispatcher({ services, logger, tools: opts.tools, quotas: principals.quotas });
  let service: ConnectorService | undefined;
  let waitingForLease = false;
  const sessionReplaced = new Set<() => void>();
  const replaceSession = () => {
    session = newSession();
    for (const notify of sessionReplaced) notify();
    sessionReplaced.clear();
  };

  // ready() follows the session across lease terms: a wait on a replaced session moves to the new one
  async function ready(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const waiting = session.waitReady(Math.max(0, until - Date.now()));
      waiting.catch(() => undefined);
      const replaced = new Promise<"replaced">((resolve) => sessionReplaced.add(() => resolve("replaced")));
      if ((await Promise.race([waiting, replaced])) !== "replaced") return;
    }
  }

  const status = (): ConnectionStatus => {
    const s = session.status();
    const out: ConnectionStatus = { mode, readOnly: env.IB_READONLY, ...s };
    if (waitingForLease) out.lastError = "standby: another connector of this mode holds the lease";
    return out;
  };
  const metadata = (): Record<string, string> => {
    const s = status();
    return {
      mode,
      account: s.accounts.join(","),
      clientId: String(env.IB_CLIENT_ID),
      ibHost: env.IB_HOST,
      ibPort: String(env.IB_PORT),
      serverVersion: s.serverVersion === undefined ? "" : String(s.serverVersion),
      state: waitingForLease ? "standby" : s.state,
      trading: trading.enabled ? "on" : "off",
    };
  };

  const closing = new AbortController();
  const nc = opts.nc;
  let lease: Lease | undefined;
  let ownership: Promise<void> = Promise.resolve();

  if (!nc) {
    session.start();
  } else {
    const activeNc = nc;
    // the kill switch answers even on a standby: stopping orders must not wait for a lease
    const killSwitch = serveKillSwitch(activeNc, trading, audit, logger);
    closing.signal.addEventListener("abort", () => killSwitch.unsubscribe(), { once: true });
    const activeLease = createLease({
      nc: activeNc,
      mode,
      holderId: env.CONNECTOR_ID ?? `${hostname()}:${process.pid}`,
      ttlMs: env.LEASE_TTL_MS,
      replicas: env.NATS_JS_REPLICAS,
      logger,
    });
    lease = activeLease;
    let onLost: (reason: string) => void = () => undefined;
    activeLease.onLost((reason) => onLost(reason));
    // one term per lease tenure: a fresh IB session and the NATS service, both dropped together on loss
    const closed = new Promise<string>((resolve) =>
      closing.signal.addEventListener("abort", () => resolve("closing"), { once: true }),
    );
    const pause = (ms: number) => Promise.race([new Promise((r) => setTimeout(r, ms)), closed]);
    const terms = async () => {
      while (!closing.signal.aborted) {
        waitingForLease = true;
        try {
          await activeLease.acquire(closing.signal);
        } catch (err) {
          if (closing.signal.aborted) return;
          logger.warn({ err }, "taking the lease failed; retrying in 1 s");
          await pause(1_000);
          continue;
        }
        waitingForLease = false;
        const lost = new Promise<string>((resolve) => {
          onLost = resolve;
        });
        replaceSession();
        session.start();
        let reason: string;
        try {
          service = await startConnectorService({
            nc: activeNc,
            mode,
            dispatcher,
            metadata,
            stats: async () => ({
              ...status(),
              trading: await trading.status(),
              pacing: pacer.stats(),
              quotaRefusals: principals.quotas.stats(),
            }),
            trading: trading.enabled,
            logger,
          });
          reason = await Promise.race([lost, closed]);
        } catch (err) {
          reason = `the NATS service could not start: ${(err as Error).message}`;
          await activeLease.release().catch(() => undefined);
        }
        // IB first and without waiting for NATS: cut off from NATS, stopping the service (an unsubscribe and a
        // flush) waits for a server it cannot reach, while a standby may take the lease once it lapses.
        const stopping = service?.stop().catch(() => undefined);
        service = undefined;
        await session.close();
        await stopping;
        if (closing.signal.aborted) return;
        logger.error({ reason }, "stopped serving and dropped IB; waiting for the lease again");
        await pause(1_000);
      }
    };
    ownership = terms().catch((err: unknown) => logger.error({ err }, "lease loop crashed"));
  }

  return {
    dispatcher,
    status,
    reloadPrincipals: () => principals.registry.reload(),
    ready: (timeoutMs = env.IB_CONNECT_TIMEOUT_MS * 2) => ready(timeoutMs),
    async close() {
      closing.abort();
      await ownership;
      await service?.stop().catch(() => undefined);
      await session.close();
      await lease?.release().catch(() => undefined);
    },
  };
}
