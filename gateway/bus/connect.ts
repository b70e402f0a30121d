import {
  type ConnectionOptions,
  type NatsConnection,
  type WsSocketFactory,
  wsconnect,
} from "@nats-io/nats-core";
import { ConfigError } from "../../shared/config.ts";

/** A TCP connect function; only runtimes with sockets have one (Node: @nats-io/transport-node's `connect`). */
export type TcpConnect = (opts: ConnectionOptions) => Promise<NatsConnection>;

/** What the runtime adapter can offer; WebSocket needs nothing but the runtime's own WebSocket (or a factory). */
export interface NatsTransports {
  tcp?: TcpConnect;
  wsFactory?: WsSocketFactory;
}

export type NatsTransport = "tcp" | "ws";

const schemeOf = (server: string) => /^([a-z][a-z0-9+.-]*):\/\//i.exec(server)?.[1]?.toLowerCase();

/**
 * The transport NATS_URL asks for: ws:// and wss:// go over WebSocket, nats:// and tls:// (or a bare host:port)
 * over TCP. Every server of the list must agree, since one connection uses one transport.
 */
export function natsTransportOf(servers: readonly string[]): NatsTransport {
  const kinds = new Set(
    servers.map((s) => {
      const scheme = schemeOf(s);
      if (scheme === "ws" || scheme === "wss") return "ws";
      if (scheme === undefined || scheme === "nats" || scheme === "tls") return "tcp";
      throw new ConfigError(
        `NATS_URL: unknown scheme ${scheme}://; use nats:// or tls:// (TCP) or ws:// or wss:// (WebSocket)`,
      );
    }),
  );
  if (kinds.size !== 1) {
    throw new ConfigError(
      "NATS_URL mixes TCP (nats://) and WebSocket (ws://) servers; list servers of one kind only",
    );
  }
  return kinds.has("ws") ? "ws" : "tcp";
}

function open(opts: ConnectionOptions, transports: NatsTransports): Promise<NatsConnection> {
  const servers = ([] as string[]).concat(opts.servers ?? []);
  if (natsTransportOf(servers) === "ws") {
    if (opts.tls?.caFile || opts.tls?.certFile || opts.tls?.keyFile) {
      throw new ConfigError(
        "NATS_TLS_* files apply to nats:// only; over wss:// the runtime's own TLS trust store is used",
      );
    }
    if (!transports.wsFactory && typeof globalThis.WebSocket !== "function") {
      throw new ConfigError(
        "NATS_URL is ws(s):// but this runtime has no WebSocket; on Node 20 start it with --experimental-websocket (NODE_OPTIONS=--experimental-websocket), or use nats://",
      );
    }
    return wsconnect(transports.wsFactory ? { ...opts, wsFactory: transports.wsFactory } : opts);
  }
  if (!transports.tcp) {
    throw new ConfigError(
      "NATS_URL is nats:// (TCP) but this runtime can only reach NATS over WebSocket; give nats-server a websocket listener and use ws:// or wss://",
    );
  }
  return transports.tcp(opts);
}

/**
 * Connects over the transport NATS_URL names, within `deadlineMs`; a connection that arrives after the deadline
 * is closed, not leaked. Errors name NATS_URL and what to change.
 */
export async function connectNats(
  opts: ConnectionOptions,
  transports: NatsTransports,
  deadlineMs = 30_000,
): Promise<NatsConnection> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = open(opts, transports);
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      pending.then((nc) => nc.close()).catch(() => undefined);
      reject(
        new ConfigError(
          `cannot reach NATS at ${opts.servers} within ${deadlineMs / 1000} s; check NATS_URL and the NATS_* credentials`,
        ),
      );
    }, deadlineMs);
  });
  return Promise.race([pending, expired]).finally(() => clearTimeout(timer));
}
