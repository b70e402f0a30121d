import { z } from "zod";
import {
  boolFromEnv,
  inboxPrefix,
  intFromEnv,
  listFromEnv,
  oauthScopesFromEnv,
  optionalString,
  positiveNumberFromEnv,
  toolsetsFromEnv,
  upperListFromEnv,
  upperOrDefaultList,
} from "./env-fields.ts";
import { TradingMode } from "./mode.ts";

/** A configuration problem found at start; the message names the variable and what it accepts. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** NATS connection settings shared by gateway and connector. NATS_URL absent means the in-process bus. */
export const NatsEnv = z.object({
  NATS_URL: optionalString,
  NATS_USER: optionalString,
  NATS_PASSWORD: optionalString,
  NATS_TOKEN: optionalString,
  NATS_CREDS_FILE: optionalString,
  NATS_TLS_CA_FILE: optionalString,
  NATS_TLS_CERT_FILE: optionalString,
  NATS_TLS_KEY_FILE: optionalString,
  NATS_NAME: optionalString,
  // Connect to the servers of NATS_URL in the order listed instead of a random one: pins a connector and its
  // standby to different nodes of a cluster (list them in different orders).
  NATS_NO_RANDOMIZE: boolFromEnv(false),
  // Where this process's replies arrive; nats.conf lets each user subscribe only its own prefix. Default
  // _INBOX_<NATS_USER>, or _INBOX_<role> without a user (shared/nats-options.ts).
  NATS_INBOX_PREFIX: inboxPrefix,
});
export type NatsEnv = z.infer<typeof NatsEnv>;

export const LogEnv = z.object({
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

/** OpenTelemetry: spans are exported over OTLP/HTTP when an endpoint is set, and not made at all otherwise. */
export const TracingEnv = z.object({
  // e.g. http://otel-collector:4318 (the exporter posts to <endpoint>/v1/traces)
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  // the service.name of this process's spans; default ib-mcp-gateway / ib-mcp-connector-<mode>
  OTEL_SERVICE_NAME: optionalString,
});

/** Default IB API port and clientId per mode: IB Gateway's own ports (the gnzsnz image publishes them too). */
export const modeDefaults = {
  paper: { port: 4002, clientId: 1 },
  live: { port: 4001, clientId: 2 },
} as const;

export const ConnectorEnv = z
  .object({
    TRADING_MODE: TradingMode.default("paper"),
    IB_HOST: z.string().min(1).default("127.0.0.1"),
    IB_PORT: intFromEnv(0, 1, 65535),
    IB_CLIENT_ID: intFromEnv(-1, 0, 2_147_483_647),
    IB_READONLY: boolFromEnv(true),
    // true: IB Gateway's "Master API client ID" is this IB_CLIENT_ID, so IB pushes every client's order events here
    // and open orders are kept live in the session state; false: each get_open_orders asks IB (reqAllOpenOrders).
    IB_MASTER_API_CLIENT: boolFromEnv(false),
    IB_CONNECT_TIMEOUT_MS: intFromEnv(5_000, 100, 120_000),
    // @stoqey/ib sends ceil(n/10) messages per 100 ms, so 45 would be 50/s, IB's disconnect threshold
    IB_MAX_MESSAGES_PER_SEC: intFromEnv(40, 1, 50),
    IB_MAX_MARKET_DATA_LINES: intFromEnv(100, 1, 10_000),
    IB_RECONNECT_MAX_MS: intFromEnv(30_000, 100, 600_000),
    LEASE_TTL_MS: intFromEnv(10_000, 1_000, 600_000),
    // Copies of every KV bucket the connector creates (lease, order journal, risk state): 1 on a lone
    // nats-server, 3 on a three-node cluster so losing one node loses no bucket. Existing buckets are raised.
    NATS_JS_REPLICAS: intFromEnv(1, 1, 5),
    CONNECTOR_ID: optionalString,
    // Second live switch on the connector side: order tools in TRADING_MODE=live need it as well as IB_READONLY=false.
    CONNECTOR_ALLOW_LIVE_TRADING: boolFromEnv(false),
    // HMAC key of confirmation tokens; shared by restarts so a token outlives the process. Never logged.
    ORDER_TOKEN_SECRET: optionalString,
    // How long a preview's confirmation token can be placed.
    ORDER_TOKEN_TTL_MS: intFromEnv(60_000, 1_000, 600_000),
    // Largest quantity (shares, contracts) of one order.
    ORDER_MAX_QUANTITY: positiveNumberFromEnv(100),
    // Largest notional (quantity x price x multiplier, in the instrument's currency) of one order.
    ORDER_MAX_NOTIONAL: positiveNumberFromEnv(10_000),
    // Largest notional placed per UTC day by this connector (counted in memory; a restart starts from 0).
    ORDER_DAILY_MAX_NOTIONAL: positiveNumberFromEnv(50_000),
    // Symbols that may be traded; empty allows every symbol not denied.
    ORDER_SYMBOL_ALLOWLIST: upperListFromEnv(""),
    // Symbols that may never be traded; wins over the allow-list.
    ORDER_SYMBOL_DENYLIST: upperListFromEnv(""),
    // Security types that may be traded. STK covers ETFs (IB files them as STK); options, futures, forex need opting in.
    ORDER_SECTYPE_ALLOWLIST: upperListFromEnv("STK"),
    // Order types and algos that may be sent; TRAIL, TRAIL LIMIT and ADAPTIVE need opting in.
    ORDER_TYPE_ALLOWLIST: upperListFromEnv("MKT,LMT,STP,STP LMT"),
    // Limit and stop prices must lie within this percentage of the last price.
    ORDER_PRICE_BAND_PCT: positiveNumberFromEnv(5),
    // Refuses every new order and modification at once (cancels still work); also switchable on ib.<mode>.admin.kill_switch.
    ORDER_KILL_SWITCH: boolFromEnv(false),
    // JSONL file every preview, placement, modification, cancellation and rejection is appended to.
    AUDIT_LOG_PATH: z.string().min(1).default("./ib-mcp-audit.jsonl"),
    // YAML or JSON file of principals (shared/principals.ts): the connector takes their weights (their share of
    // IB) and quotas from it, re-read on SIGHUP; unlisted callers get its defaults. Unset: all alike, unlimited.
    MCP_PRINCIPALS_FILE: optionalString,
  })
  .extend(NatsEnv.shape)
  .extend(LogEnv.shape)
  .superRefine((e, ctx) => {
    if (!e.IB_READONLY && (e.ORDER_TOKEN_SECRET ?? "").length < 32)
      ctx.addIssue({
        code: "custom",
        path: ["ORDER_TOKEN_SECRET"],
        message:
          "IB_READONLY=false needs ORDER_TOKEN_SECRET of at least 32 characters (e.g. `openssl rand -hex 32`)",
      });
  })
  .transform((e) => ({
    ...e,
    IB_PORT: e.IB_PORT || modeDefaults[e.TRADING_MODE].port,
    IB_CLIENT_ID: e.IB_CLIENT_ID >= 0 ? e.IB_CLIENT_ID : modeDefaults[e.TRADING_MODE].clientId,
  }));
export type ConnectorEnv = z.infer<typeof ConnectorEnv>;

export const GatewayEnv = z
  .object({
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: intFromEnv(48012, 0, 65535),
    TRADING_MODE: TradingMode.default("paper"),
    MCP_AUTH_TOKENS: listFromEnv,
    MCP_AUTH_TOKENS_FILE: optionalString,
    MCP_ALLOW_UNAUTHENTICATED: boolFromEnv(false),
    MCP_ALLOWED_ORIGINS: listFromEnv,
    MCP_ALLOWED_HOSTS: listFromEnv,
    MCP_MAX_BODY_BYTES: intFromEnv(1_048_576, 1_024, 67_108_864),
    MCP_REQUEST_TIMEOUT_MS: intFromEnv(20_000, 100, 600_000),
    // How long a call that finds no connector (or this gateway between two NATS servers) waits for one, within
    // its deadline, before CONNECTOR_UNAVAILABLE: rides out a NATS node loss or a standby's takeover. 0: at once.
    CONNECTOR_WAIT_MS: intFromEnv(3_000, 0, 600_000),
    // A read tool call unanswered this long is sent once more (twice at most): replies lost with a NATS node
    // are recovered; the connector joins identical reads, so IB sees one request. 0 never resends.
    READ_RESEND_MS: intFromEnv(1_500, 0, 600_000),
    GATEWAY_ALLOW_LIVE: boolFromEnv(false),
    // Lists and serves the order tools (access "trade"); read-only without it.
    MCP_ENABLE_TRADING: boolFromEnv(false),
    // Second live switch on the gateway side: order tools in TRADING_MODE=live need it as well as MCP_ENABLE_TRADING.
    GATEWAY_ALLOW_LIVE_TRADING: boolFromEnv(false),
    // Toolsets /mcp lists when the URL names none (?toolsets=... or /mcp/toolsets/...): a comma list, or all;
    // unset: contracts,market,history,account (and orders when trading is on).
    MCP_TOOLSETS: toolsetsFromEnv,
    // Named callers with scopes (shared/principals.ts), read at start and on SIGHUP; MCP_PRINCIPALS holds the same
    // YAML/JSON inline where there is no file system (a Worker secret).
    MCP_PRINCIPALS_FILE: optionalString,
    MCP_PRINCIPALS: optionalString,
    // OAuth 2.1 resource server: JWT access tokens from this issuer, for this audience (both or neither).
    MCP_OAUTH_ISSUER: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    MCP_OAUTH_AUDIENCE: optionalString,
    // The resource identifier /.well-known/oauth-protected-resource announces (the public URL of /mcp); default:
    // MCP_OAUTH_AUDIENCE when it is a URL, else the URL the request came to.
    MCP_OAUTH_RESOURCE: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    // Claims that name the principal, first present wins.
    MCP_OAUTH_NAME_CLAIMS: listFromEnv.transform((l) => (l.length > 0 ? l : ["client_id", "sub"])),
    // The token's scope names for read, trade and live.
    MCP_OAUTH_SCOPES: oauthScopesFromEnv,
    MCP_OAUTH_ALGORITHMS: upperOrDefaultList(
      "RS256,RS384,RS512,PS256,PS384,PS512,ES256,ES384,ES512,EDDSA",
    ).transform((l) => l.map((a) => (a === "EDDSA" ? "EdDSA" : a))),
    // Seconds of clock difference tolerated on exp and nbf.
    MCP_OAUTH_CLOCK_SKEW_S: intFromEnv(30, 0, 300),
  })
  .extend(NatsEnv.shape)
  .extend(LogEnv.shape)
  .superRefine((e, ctx) => {
    if ((e.MCP_OAUTH_ISSUER === undefined) !== (e.MCP_OAUTH_AUDIENCE === undefined))
      ctx.addIssue({
        code: "custom",
        path: [e.MCP_OAUTH_ISSUER === undefined ? "MCP_OAUTH_ISSUER" : "MCP_OAUTH_AUDIENCE"],
        message: "MCP_OAUTH_ISSUER and MCP_OAUTH_AUDIENCE go together: set both, or neither",
      });
    if (e.MCP_PRINCIPALS_FILE !== undefined && e.MCP_PRINCIPALS !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["MCP_PRINCIPALS"],
        message: "set MCP_PRINCIPALS_FILE or MCP_PRINCIPALS (the same content inline), not both",
      });
  });
export type GatewayEnv = z.infer<typeof GatewayEnv>;

/** Parses env with a schema; the error names each bad variable and what it accepts. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n  ${lines.join("\n  ")}`);
}

/** How a Cloudflare Worker reaches NATS: through its Durable Object (one kept connection) or a connection per call. */
export const WorkerBusEnv = z.object({
  NATS_BUS_MODE: z.enum(["durable-object", "per-request"]).default("durable-object"),
});
