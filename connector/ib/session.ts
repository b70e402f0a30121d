import { setTimeout as sleep } from "node:timers/promises";
import { IbMcpError, toIbMcpError } from "../../shared/errors.ts";
import type { ConnectionState } from "../../shared/tools/get-connection-status.ts";
import { backoffDelay } from "./backoff.ts";
import { farmBrokenCodes, farmOkCodes, IB_RETRY_AFTER_MS } from "./ib-errors.ts";
import { InFlight } from "./in-flight.ts";
import { type IbLink, type LinkOptions, openLink } from "./link.ts";

export interface SessionOptions extends LinkOptions {
  /** Cap of the reconnect backoff. */
  reconnectMaxMs: number;
  /** First reconnect delay; doubles per failure up to reconnectMaxMs. */
  reconnectBaseMs?: number;
  /** Injectable for tests. */
  open?: (opts: LinkOptions) => Promise<IbLink>;
}

export interface SessionStatus {
  state: ConnectionState;
  host: string;
  port: number;
  clientId: number;
  accounts: string[];
  serverVersion?: number;
  connectedSince?: string;
  lastError?: string;
  /** Connect attempts since the session was last ready. */
  reconnectAttempts: number;
}

export interface IbSession {
  status(): SessionStatus;
  /** The live session; throws IB_UNAVAILABLE (or CLIENT_ID_IN_USE) saying why while there is none. */
  link(): IbLink;
  /** Requests waiting on IB; all failed with IB_UNAVAILABLE when the session drops. */
  readonly inFlight: InFlight;
  /** Called on every (re)connect, loss and 1101: anything cached from IB may be stale. */
  onResync(listener: () => void): void;
  onStateChange(listener: (status: SessionStatus) => void): void;
  /** Starts connecting, forever, with capped exponential backoff and jitter. */
  start(): void;
  /** Resolves once ready; rejects after timeoutMs with the reason it is not. */
  waitReady(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** How long to wait between attempts while another client holds our clientId: retry slowly, no crash loop. */
const CLIENT_ID_RETRY_MS = 10_000;

/** A session that lasted this long was healthy: the next reconnect starts from the shortest delay again. */
const STABLE_SESSION_MS = 10_000;

/** The IB connection state machine: connecting → ready ⇄ degraded → down → connecting … */
export function createIbSession(opts: SessionOptions): IbSession {
  const { host, port, clientId, logger } = opts;
  const open = opts.open ?? openLink;
  const baseMs = opts.reconnectBaseMs ?? 250;
  const inFlight = new InFlight();
  const resyncListeners = new Set<() => void>();
  const stateListeners = new Set<(s: SessionStatus) => void>();
  const closing = new AbortController();
  let state: ConnectionState = "connecting";
  let current: IbLink | undefined;
  let accounts: string[] = [];
  let serverVersion: number | undefined;
  let connectedSince: string | undefined;
  let lastError: string | undefined;
  let lastErrorCode: IbMcpError["code"] | undefined;
  let attempts = 0;
  let loop: Promise<void> | undefined;

  const status = (): SessionStatus => {
    const s: SessionStatus = {
      state,
      host,
      port,
      clientId,
      accounts: [...accounts],
      reconnectAttempts: attempts,
    };
    if (serverVersion !== undefined) s.serverVersion = serverVersion;
    if (connectedSince !== undefined) s.connectedSince = connectedSince;
    if (lastError !== undefined) s.lastError = lastError;
    return s;
  };
  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    const s = status();
    for (const l of stateListeners) l(s);
  };
  const resync = () => {
    for (const l of resyncListeners) l();
  };
  const pause = (ms: number) => sleep(ms, undefined, { signal: closing.signal }).catch(() => undefined);

  const onNotice = (code: number, text: string) => {
    if (code === 1101) {
      logger.warn({ code }, `IB restored connectivity but lost data: re-syncing (${text})`);
      resync();
    } else if (code === 1102) {
      logger.info({ code }, `IB restored connectivity, data kept (${text})`);
    } else if (farmBrokenCodes.has(code)) {
      lastError = `IB ${code}: ${text}`;
      if (state === "ready") setState("degraded");
    } else if (farmOkCodes.has(code)) {
      if (state === "degraded") setState("ready");
    }
  };

  async function serve(link: IbLink): Promise<void> {
    current = link;
    accounts = link.accounts;
    serverVersion = link.serverVersion;
    connectedSince = new Date().toISOString();
    lastErrorCode = undefined;
    attempts = 0;
    link.onNotice(onNotice);
    setState("ready");
    resync();
    logger.info({ host, port, clientId, accounts, serverVersion }, "IB session ready");
    const reason = await Promise.race([
      link.lost,
      new Promise<string>((resolve) =>
        closing.signal.addEventListener("abort", () => resolve("connector closing"), { once: true }),
      ),
    ]);
    current = undefined;
    connectedSince = undefined;
    link.close();
    const failed = inFlight.failAll(
      new IbMcpError("IB_UNAVAILABLE", `the IB session was lost (${reason}); reconnecting`, {
        retryAfterMs: IB_RETRY_AFTER_MS,
      }),
    );
    if (closing.signal.aborted) return;
    lastError = `session lost: ${reason}`;
    setState("down");
    resync();
    logger.warn({ host, port, clientId, failedRequests: failed }, `IB session lost: ${reason}`);
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!closing.signal.aborted) {
      attempts++;
      setState("connecting");
      let link: IbLink;
      try {
        link = await open(opts);
      } catch (e) {
        const err = toIbMcpError(e, "connecting to IB failed");
        lastError = err.message;
        lastErrorCode = err.code;
        setState("down");
        const delay =
          err.code === "CLIENT_ID_IN_USE"
            ? Math.min(opts.reconnectMaxMs, CLIENT_ID_RETRY_MS)
            : backoffDelay(failures++, { baseMs, maxMs: opts.reconnectMaxMs });
        logger.warn({ attempt: attempts, retryInMs: delay, code: err.code }, err.message);
        await pause(delay);
        continue;
      }
      if (closing.signal.aborted) {
        link.close();
        break;
      }
      const servedFrom = Date.now();
      await serve(link);
      // a session that dies right after the handshake (IB in an outage) must not turn into a fast loop
      failures = Date.now() - servedFrom < STABLE_SESSION_MS ? failures + 1 : 0;
      await pause(backoffDelay(failures, { baseMs, maxMs: opts.reconnectMaxMs }));
    }
  }

  function currentLink(): IbLink {
    if (current && (state === "ready" || state === "degraded")) return current;
    if (lastErrorCode === "CLIENT_ID_IN_USE" && lastError)
      throw new IbMcpError("CLIENT_ID_IN_USE", lastError);
    throw new IbMcpError(
      "IB_UNAVAILABLE",
      `the connector is not connected to IB (state ${state}${lastError ? `: ${lastError}` : ""})`,
      { retryAfterMs: IB_RETRY_AFTER_MS },
    );
  }

  return {
    status,
    inFlight,
    link: currentLink,
    onResync: (l) => resyncListeners.add(l),
    onStateChange: (l) => stateListeners.add(l),
    start() {
      loop ??= run().catch((err: unknown) => logger.error({ err }, "IB connect loop crashed"));
    },
    waitReady(timeoutMs) {
      if (state === "ready" || state === "degraded") return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const done = (s: SessionStatus) => {
          if (s.state !== "ready" && s.state !== "degraded") return;
          clearTimeout(timer);
          stateListeners.delete(done);
          resolve();
        };
        const timer = setTimeout(() => {
          stateListeners.delete(done);
          try {
            currentLink();
          } catch (err) {
            reject(err);
            return;
          }
          resolve();
        }, timeoutMs);
        stateListeners.add(done);
      });
    },
    async close() {
      closing.abort();
      current?.close();
      await loop;
      setState("down");
    },
  };
}
