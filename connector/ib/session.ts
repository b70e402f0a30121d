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
  return new SessionImpl(opts);
}

class SessionImpl implements IbSession {
  readonly inFlight = new InFlight();
  readonly #opts: SessionOptions;
  readonly #open: (opts: LinkOptions) => Promise<IbLink>;
  readonly #baseMs: number;
  readonly #resyncListeners = new Set<() => void>();
  readonly #stateListeners = new Set<(s: SessionStatus) => void>();
  readonly #closing = new AbortController();
  #state: ConnectionState = "connecting";
  #current: IbLink | undefined;
  #accounts: string[] = [];
  #serverVersion: number | undefined;
  #connectedSince: string | undefined;
  #lastError: string | undefined;
  #lastErrorCode: IbMcpError["code"] | undefined;
  #attempts = 0;
  #loop: Promise<void> | undefined;

  constructor(opts: SessionOptions) {
    this.#opts = opts;
    this.#open = opts.open ?? openLink;
    this.#baseMs = opts.reconnectBaseMs ?? 250;
  }

  status = (): SessionStatus => {
    const { host, port, clientId } = this.#opts;
    const s: SessionStatus = {
      state: this.#state,
      host,
      port,
      clientId,
      accounts: [...this.#accounts],
      reconnectAttempts: this.#attempts,
    };
    if (this.#serverVersion !== undefined) s.serverVersion = this.#serverVersion;
    if (this.#connectedSince !== undefined) s.connectedSince = this.#connectedSince;
    if (this.#lastError !== undefined) s.lastError = this.#lastError;
    return s;
  };

  #setState(next: ConnectionState): void {
    if (next === this.#state) return;
    this.#state = next;
    const s = this.status();
    for (const l of this.#stateListeners) l(s);
  }

  #resync(): void {
    for (const l of this.#resyncListeners) l();
  }

  #pause(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.#closing.signal }).catch(() => undefined);
  }

  #onNotice = (code: number, text: string): void => {
    const { logger } = this.#opts;
    if (code === 1101) {
      logger.warn({ code }, `IB restored connectivity but lost data: re-syncing (${text})`);
      this.#resync();
    } else if (code === 1102) {
      logger.info({ code }, `IB restored connectivity, data kept (${text})`);
    } else if (farmBrokenCodes.has(code)) {
      this.#lastError = `IB ${code}: ${text}`;
      if (this.#state === "ready") this.#setState("degraded");
    } else if (farmOkCodes.has(code)) {
      if (this.#state === "degraded") this.#setState("ready");
    }
  };

  async #serve(link: IbLink): Promise<void> {
    const { host, port, clientId, logger } = this.#opts;
    this.#current = link;
    this.#accounts = link.accounts;
    this.#serverVersion = link.serverVersion;
    this.#connectedSince = new Date().toISOString();
    this.#lastErrorCode = undefined;
    this.#attempts = 0;
    link.onNotice(this.#onNotice);
    this.#setState("ready");
    this.#resync();
    logger.info(
      { host, port, clientId, accounts: link.accounts, serverVersion: link.serverVersion },
      "IB session ready",
    );
    const reason = await Promise.race([
      link.lost,
      new Promise<string>((resolve) =>
        this.#closing.signal.addEventListener("abort", () => resolve("connector closing"), { once: true }),
      ),
    ]);
    this.#current = undefined;
    this.#connectedSince = undefined;
    link.close();
    const failed = this.inFlight.failAll(
      new IbMcpError("IB_UNAVAILABLE", `the IB session was lost (${reason}); reconnecting`, {
        retryAfterMs: IB_RETRY_AFTER_MS,
      }),
    );
    if (this.#closing.signal.aborted) return;
    this.#lastError = `session lost: ${reason}`;
    this.#setState("down");
    this.#resync();
    logger.warn({ host, port, clientId, failedRequests: failed }, `IB session lost: ${reason}`);
  }

  /** One failed connect attempt: recorded, then the pause before the next (slow while our clientId is taken). */
  async #connectFailed(e: unknown, failures: number): Promise<void> {
    const err = toIbMcpError(e, "connecting to IB failed");
    this.#lastError = err.message;
    this.#lastErrorCode = err.code;
    this.#setState("down");
    const maxMs = this.#opts.reconnectMaxMs;
    const delay =
      err.code === "CLIENT_ID_IN_USE"
        ? Math.min(maxMs, CLIENT_ID_RETRY_MS)
        : backoffDelay(failures, { baseMs: this.#baseMs, maxMs });
    this.#opts.logger.warn({ attempt: this.#attempts, retryInMs: delay, code: err.code }, err.message);
    await this.#pause(delay);
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#closing.signal.aborted) {
      this.#attempts++;
      this.#setState("connecting");
      let link: IbLink;
      try {
        link = await this.#open(this.#opts);
      } catch (e) {
        await this.#connectFailed(e, failures++);
        continue;
      }
      if (this.#closing.signal.aborted) {
        link.close();
        break;
      }
      const servedFrom = Date.now();
      await this.#serve(link);
      // a session that dies right after the handshake (IB in an outage) must not turn into a fast loop
      failures = Date.now() - servedFrom < STABLE_SESSION_MS ? failures + 1 : 0;
      await this.#pause(backoffDelay(failures, { baseMs: this.#baseMs, maxMs: this.#opts.reconnectMaxMs }));
    }
  }

  link = (): IbLink => {
    const state = this.#state;
    if (this.#current && (state === "ready" || state === "degraded")) return this.#current;
    if (this.#lastErrorCode === "CLIENT_ID_IN_USE" && this.#lastError)
      throw new IbMcpError("CLIENT_ID_IN_USE", this.#lastError);
    const why = this.#lastError ? `: ${this.#lastError}` : "";
    throw new IbMcpError("IB_UNAVAILABLE", `the connector is not connected to IB (state ${state}${why})`, {
      retryAfterMs: IB_RETRY_AFTER_MS,
    });
  };

  onResync(l: () => void): void {
    this.#resyncListeners.add(l);
  }

  onStateChange(l: (status: SessionStatus) => void): void {
    this.#stateListeners.add(l);
  }

  start(): void {
    this.#loop ??= this.#run().catch((err: unknown) =>
      this.#opts.logger.error({ err }, "IB connect loop crashed"),
    );
  }

  waitReady(timeoutMs: number): Promise<void> {
    if (this.#state === "ready" || this.#state === "degraded") return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = (s: SessionStatus) => {
        if (s.state !== "ready" && s.state !== "degraded") return;
        clearTimeout(timer);
        this.#stateListeners.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#stateListeners.delete(done);
        try {
          this.link();
        } catch (err) {
          reject(err);
          return;
        }
        resolve();
      }, timeoutMs);
      this.#stateListeners.add(done);
    });
  }

  async close(): Promise<void> {
    this.#closing.abort();
    this.#current?.close();
    await this.#loop;
    this.#setState("down");
  }
}
