import type { Socket } from "node:net";
import type { SimCore } from "./core.ts";
import { SimProtocolError } from "./errors.ts";
import { MessageRate } from "./pacing/message-rate.ts";
import { FieldReader } from "./protocol/field-reader.ts";
import { type Field, toWire } from "./protocol/field-writer.ts";
import { encodeFrame, FrameReader, maxClientVersion } from "./protocol/framing.ts";
import { ClientMsg, type ClientMsgName, ServerMsg, SIM_MIN_SERVER_VERSION } from "./protocol/msg-ids.ts";
import { formatLocal } from "./universe/time-zone.ts";

/** A request handler: reads its fields and answers on the connection. */
export type HandlerFn = (conn: SimConnection, r: FieldReader) => void;

/** What the server provides a connection: the handler table and the clientId registry. */
export interface ConnectionHooks {
  handlers: ReadonlyMap<number, { name: ClientMsgName; handle: HandlerFn }>;
  /** Claims a clientId; false when another open connection holds it. */
  bindClientId(conn: SimConnection, clientId: number): boolean;
  onClose(conn: SimConnection): void;
}

const NO_ID = -1;

/** One client socket: framing, handshake, startApi, message-rate rule, dispatch, and reply helpers. */
export class SimConnection {
  clientId: number | undefined;
  serverVersion = 0;
  /** 1 live, 2 frozen, 3 delayed, 4 delayed-frozen (reqMarketDataType). */
  marketDataType = 1;
  /** Cancels for open subscriptions, by reqId (market data, account summary, PnL...). */
  readonly subscriptions = new Map<number, () => void>();
  /** reqIds holding a market data line. */
  readonly marketDataLines = new Set<number>();
  /** Named subscriptions without a reqId (positions, account updates). */
  readonly streams = new Map<string, () => void>();
  private readonly reader = new FrameReader();
  private readonly rate: MessageRate;
  private started = false;
  private closed = false;
  private cleaned = false;

  constructor(
    readonly socket: Socket,
    readonly core: SimCore,
    private readonly hooks: ConnectionHooks,
  ) {
    this.rate = new MessageRate(core.config.maxMessagesPerSec);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => core.log("warn", `connection ${this.label}: socket error ${err.message}`));
    socket.on("close", () => this.cleanup());
  }

  get label(): string {
    return `${this.socket.remotePort ?? "?"}${this.clientId === undefined ? "" : `/client ${this.clientId}`}`;
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  /** Sends one message (id first), after the configured latency. */
  send(...fields: Field[]): void {
    if (!this.isOpen) return;
    const frame = encodeFrame(toWire(fields));
    const delay = this.core.latencyMs;
    if (delay > 0) setTimeout(() => this.isOpen && this.socket.write(frame), delay);
    else this.socket.write(frame);
  }

  /** Sends an IB error message and counts it by code. reqId -1 means "no request" (IB's info channel). */
  error(reqId: number, code: number, message: string): void {
    this.core.stats.errorSent(code);
    this.send(ServerMsg.error, 2, reqId, code, message, "");
  }

  /** Sends error -1/code as IB does for connection-level notices (1100, 2104...). */
  notice(code: number, message: string): void {
    this.error(NO_ID, code, message);
  }

  /** Closes the socket after flushing what was written. */
  close(reason: string, level: "info" | "warn" | "error" = "info"): void {
    if (this.closed) return;
    this.core.log(level, `connection ${this.label} closed: ${reason}`);
    this.closed = true;
    this.socket.end();
    // a client that does not read must not keep the socket open
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.cleanup();
  }

  /** Drops the socket at once (fault injection). */
  destroy(): void {
    this.closed = true;
    this.socket.destroy();
    this.cleanup();
  }

  private cleanup(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    this.closed = true;
    for (const cancel of this.subscriptions.values()) cancel();
    for (const cancel of this.streams.values()) cancel();
    this.subscriptions.clear();
    this.streams.clear();
    this.marketDataLines.clear();
    this.hooks.onClose(this);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      for (const ev of this.reader.push(chunk)) {
        if (this.closed) return;
        if (ev.kind === "handshake") this.onHandshake(ev.versions);
        else this.onMessage(ev.fields);
      }
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.close(`bad input: ${msg}`, "error");
    }
  }

  private onHandshake(versions: string): void {
    const clientMax = maxClientVersion(versions);
    const version = Math.min(clientMax, this.core.config.serverVersion);
    if (version < SIM_MIN_SERVER_VERSION) {
      this.close(
        `client supports up to server version ${clientMax}, the simulator needs ${SIM_MIN_SERVER_VERSION}`,
        "error",
      );
      return;
    }
    this.serverVersion = version;
    const now = Date.now();
    // the version reply is the only message without an id
    this.send(String(version), `${formatLocal(now, "US/Eastern")} US/Eastern`);
  }

  private onMessage(fields: string[]): void {
    const received = this.core.wireLog.record(this, this.clientId, fields);
    if (this.rate.hit(Date.now())) {
      this.error(
        NO_ID,
        100,
        `Max rate of messages per second has been exceeded:max=${this.core.config.maxMessagesPerSec} rec=${this.rate.count}`,
      );
      this.close(`more than ${this.core.config.maxMessagesPerSec} messages per second`, "warn");
      return;
    }
    const r = new FieldReader(fields);
    const id = r.int();
    if (!this.started) {
      if (id !== ClientMsg.startApi)
        throw new SimProtocolError(`expected startApi (71) first, got message ${id}`);
      this.started = true;
    }
    const handler = this.hooks.handlers.get(id);
    this.core.wireLog.named(received, handler?.name ?? `unknown ${id}`);
    if (!handler) throw new SimProtocolError(`unknown message id ${id}`);
    this.core.stats.request(handler.name);
    handler.handle(this, r);
    this.core.wireLog.handled(received, r.unread);
  }

  /** Claims the clientId for this connection (startApi); false when taken. */
  bindClientId(clientId: number): boolean {
    return this.hooks.bindClientId(this, clientId);
  }
}
