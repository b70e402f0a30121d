import type { ConnectionOptions } from "@nats-io/nats-core";
import type { NatsEnv } from "./config.ts";

/**
 * The prefix of a process's reply subjects: NATS_INBOX_PREFIX, else `_INBOX_<NATS_USER>`, else `_INBOX_<role>`.
 * With the default `_INBOX` every user that may read replies would read everyone's (preview tokens included);
 * a prefix of its own lets NATS permissions give each user only its own replies (compose/nats/nats.conf).
 */
export function inboxPrefixFor(env: NatsEnv, role: string): string {
  if (env.NATS_INBOX_PREFIX) return env.NATS_INBOX_PREFIX;
  const who = env.NATS_USER ?? role;
  return `_INBOX_${who.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/**
 * NATS connection options from env. File contents come through `readFile` so this module stays free of I/O;
 * credentials never appear in the returned `name` or in any log. `role` (gateway, connector_paper...) names the
 * default inbox prefix when no NATS_USER is set.
 */
export function natsConnectOptions(
  env: NatsEnv,
  name: string,
  readFile: (path: string) => Uint8Array,
  credsAuthenticator: (creds: Uint8Array) => NonNullable<ConnectionOptions["authenticator"]>,
  role: string,
): ConnectionOptions {
  const opts: ConnectionOptions = {
    servers: (env.NATS_URL ?? "nats://127.0.0.1:4222").split(",").map((s) => s.trim()),
    name: env.NATS_NAME ?? name,
    noRandomize: env.NATS_NO_RANDOMIZE,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    // Otherwise every request builds two Error objects up front (a stack for a later timeout or failure);
    // under load that was ~8 % of the gateway's CPU, and our errors say which subject and tool failed anyway.
    noAsyncTraces: true,
    inboxPrefix: inboxPrefixFor(env, role),
  };
  if (env.NATS_USER !== undefined) opts.user = env.NATS_USER;
  if (env.NATS_PASSWORD !== undefined) opts.pass = env.NATS_PASSWORD;
  if (env.NATS_TOKEN !== undefined) opts.token = env.NATS_TOKEN;
  if (env.NATS_CREDS_FILE !== undefined)
    opts.authenticator = credsAuthenticator(readFile(env.NATS_CREDS_FILE));
  if (env.NATS_TLS_CA_FILE || env.NATS_TLS_CERT_FILE || env.NATS_TLS_KEY_FILE) {
    opts.tls = {};
    if (env.NATS_TLS_CA_FILE) opts.tls.caFile = env.NATS_TLS_CA_FILE;
    if (env.NATS_TLS_CERT_FILE) opts.tls.certFile = env.NATS_TLS_CERT_FILE;
    if (env.NATS_TLS_KEY_FILE) opts.tls.keyFile = env.NATS_TLS_KEY_FILE;
  }
  return opts;
}
