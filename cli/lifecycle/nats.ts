import { readFileSync } from "node:fs";
import { credsAuthenticator, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { connectNats } from "../../gateway/bus/connect.ts";
import type { NatsEnv } from "../../shared/config.ts";
import { natsConnectOptions } from "../../shared/nats-options.ts";

/** What Node reaches NATS over: TCP here, WebSocket through the runtime's own WebSocket (ws:// in NATS_URL). */
export const nodeNatsTransports = { tcp: connect };

/**
 * A process role's NATS connection: the options of shared/nats-options.ts and the first-connect deadline of
 * connectNats, the same as the gateway's (gateway/runtime/start-gateway.ts goes through both too). `role` names
 * the default inbox prefix (gateway, connector_paper, ...), `name` the connection.
 */
export function connectRoleNats(env: NatsEnv, role: string, name: string): Promise<NatsConnection> {
  const readFile = (path: string) => readFileSync(path);
  return connectNats(natsConnectOptions(env, name, readFile, credsAuthenticator, role), nodeNatsTransports);
}
