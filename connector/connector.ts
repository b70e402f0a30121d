import type { NatsConnection } from "@nats-io/nats-core";
import { type Logger, pino } from "pino";
import type { ConnectorEnv } from "../shared/config.ts";
import type { ToolDef, ToolOutput } from "../shared/tool-def.ts";
import type { getConnectionStatus } from "../shared/tools/get-connection-status.ts";
import { createContractResolver } from "./contracts.ts";
import { createDispatcher, type Dispatcher } from "./dispatch.ts";
import type { ConnectorServices } from "./handlers/context.ts";
import { createIbClient } from "./ib/client.ts";
import { createIbOrders, type IbOrders } from "./ib/requests/orders.ts";
import { createIbSession, type IbSession } from "./ib/session.ts";
import type { Lease } from "./lease/index.ts";
import { serveWhileLeased, type TermState } from "./lease-terms.ts";
import { type AuditLog, createAuditLog } from "./orders/audit.ts";
import { createTradingDesk, type TradingDesk } from "./orders/desk.ts";
import { kvJournal, memoryJournal } from "./orders/journal.ts";
import { kvRiskStore } from "./orders/risk-state-kv.ts";
import { memoryRiskStore } from "./orders/risk-state-memory.ts";
import { createPacer, type Pacer } from "./pacing/index.ts";
import { createPrincipals, type Principals } from "./principals/index.ts";
import { createRequestCache } from "./request-cache.ts";

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
  /** False: no session state, every account read asks IB (benchmarks compare). Default true. */
  sessionState?: boolean;
}

/** IB refuses an identical historical request within 15 s: answer it from the first result instead. */
const HISTORY_TTL_MS = 15_000;

const defaultLogger = (env: ConnectorEnv) => pino({ level: env.LOG_LEVEL, base: { app: "ib-mcp" } });

/** A new IB session with the connection settings of env. */
function sessionFor(env: ConnectorEnv, logger: Logger): IbSession {
  return createIbSession({
    host: env.IB_HOST,
    port: env.IB_PORT,
    clientId: env.IB_CLIENT_ID,
    connectTimeoutMs: env.IB_CONNECT_TIMEOUT_MS,
    maxReqPerSec: env.IB_MAX_MESSAGES_PER_SEC,
    reconnectMaxMs: env.IB_RECONNECT_MAX_MS,
    logger,
  });
}

/** The trading desk: its journal and risk state in JetStream KV with NATS (shared by every connector of the mode,
 * the standby too), in this process only without. */
function tradingDeskFor(
  env: ConnectorEnv,
  opts: StartConnectorOptions,
  ibOrders: IbOrders,
  audit: AuditLog,
  logger: Logger,
): TradingDesk {
  const mode = env.TRADING_MODE;
  const kvOpts = { replicas: env.NATS_JS_REPLICAS, logger };
  const journal = opts.nc ? kvJournal(opts.nc, mode, kvOpts) : memoryJournal();
  const risk = opts.nc ? kvRiskStore(opts.nc, mode, undefined, kvOpts) : memoryRiskStore();
  return createTradingDesk(env, opts.wrapOrders?.(ibOrders) ?? ibOrders, audit, journal, risk);
}

/** The NATS service's metadata for a status: what `nats micro info` shows. */
function serviceMetadata(
  env: ConnectorEnv,
  s: ConnectionStatus,
  standby: boolean,
  trading: boolean,
): Record<string, string> {
  return {
    mode: env.TRADING_MODE,
    account: s.accounts.join(","),
    clientId: String(env.IB_CLIENT_ID),
    ibHost: env.IB_HOST,
    ibPort: String(env.IB_PORT),
    serverVersion: s.serverVersion === undefined ? "" : String(s.serverVersion),
    state: standby ? "standby" : s.state,
    trading: trading ? "on" : "off",
  };
}

/** The pacer of one connector: IB's limits at its time scale, every request queued fairly by principal. */
function pacerFor(env: ConnectorEnv, opts: StartConnectorOptions, principals: Principals): Pacer {
  return createPacer({
    maxMarketDataLines: env.IB_MAX_MARKET_DATA_LINES,
    timeScale: opts.pacingTimeScale ?? 1,
    // general requests wait their turn in the pacer, fairly, rather than in @stoqey/ib's one send queue
    messagesPerSec: env.IB_MAX_MESSAGES_PER_SEC,
    ...principals.pacing,
  });
}

/** get_connection_status's answer: the session's state, and why a standby is not serving. */
function statusOf(env: ConnectorEnv, session: IbSession, standby: boolean): ConnectionStatus {
  const out: ConnectionStatus = { mode: env.TRADING_MODE, readOnly: env.IB_READONLY, ...session.status() };
  if (standby) out.lastError = "standby: another connector of this mode holds the lease";
  return out;
}

/** What $SRV.STATS adds to the status: trading state, pacer counts and quota refusals per principal label. */
async function usage(trading: TradingDesk, pacer: Pacer, principals: Principals) {
  return {
    trading: await trading.status(),
    pacing: pacer.stats(),
    quotaRefusals: principals.quotas.stats(),
  };
}

/** Waits for IB to be ready, following the session across lease terms: a replaced session's wait moves on. */
async function followReady(
  current: () => IbSession,
  replacedSignals: Set<() => void>,
  timeoutMs: number,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const waiting = current().waitReady(Math.max(0, until - Date.now()));
    waiting.catch(() => undefined);
    const replaced = new Promise<"replaced">((resolve) => replacedSignals.add(() => resolve("replaced")));
    if ((await Promise.race([waiting, replaced])) !== "replaced") return;
  }
}

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
  const logger = (opts.logger ?? defaultLogger(env)).child({ component: "connector", mode });
  const principals = createPrincipals(env.MCP_PRINCIPALS_FILE);
  const pacer = pacerFor(env, opts, principals);
  let session: IbSession;
  const state = { sessionState: opts.sessionState, masterClient: env.IB_MASTER_API_CLIENT };
  const ib = createIbClient(() => session, pacer, state);
  const contracts = createContractResolver(ib);
  const history = createRequestCache<unknown>({ ttlMs: opts.historyTtlMs ?? HISTORY_TTL_MS });

  const newSession = (): IbSession => {
    const s = sessionFor(env, logger);
    s.onResync(() => {
      contracts.clear();
      history.clear();
      ib.state.resync();
    });
    s.onStateChange(() => live.service?.refreshMetadata());
    return s;
  };
  session = newSession();
  const audit = createAuditLog(env.AUDIT_LOG_PATH);
  const ibOrders = createIbOrders(() => session, pacer);
  const trading = tradingDeskFor(env, opts, ibOrders, audit, logger);
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
  const live: TermState = { standby: false, service: undefined };
  const sessionReplaced = new Set<() => void>();
  const replaceSession = () => {
    session = newSession();
    for (const notify of sessionReplaced) notify();
    sessionReplaced.clear();
    session.start();
    return session;
  };

  const status = () => statusOf(env, session, live.standby);
  const metadata = () => serviceMetadata(env, status(), live.standby, trading.enabled);

  const closing = new AbortController();
  let lease: Lease | undefined;
  let ownership: Promise<void> = Promise.resolve();
  if (!opts.nc) {
    session.start();
  } else {
    ({ lease, ownership } = serveWhileLeased({
      nc: opts.nc,
      env,
      logger,
      trading,
      audit,
      closing: closing.signal,
      newTerm: replaceSession,
      service: {
        dispatcher,
        metadata,
        stats: async () => ({ ...status(), ...(await usage(trading, pacer, principals)) }),
        trading: trading.enabled,
      },
      live,
    }));
  }

  return {
    dispatcher,
    status,
    reloadPrincipals: () => principals.registry.reload(),
    ready: (timeoutMs = env.IB_CONNECT_TIMEOUT_MS * 2) =>
      followReady(() => session, sessionReplaced, timeoutMs),
    async close() {
      closing.abort();
      await ownership;
      await live.service?.stop().catch(() => undefined);
      await session.close();
      await lease?.release().catch(() => undefined);
    },
  };
}
