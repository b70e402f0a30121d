import { z } from "zod";
import { TradingMode } from "./mode.ts";

/** A configuration problem found at start; the message names the variable and what it accepts. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const boolFromEnv = (dflt: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "use true or false" })
    .optional()
    .transform((v) => (v === undefined ? dflt : v === "true" || v === "1" || v === "yes"));

const intFromEnv = (dflt: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return dflt;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `an integer from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const listFromEnv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

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
});
export type NatsEnv = z.infer<typeof NatsEnv>;

export const LogEnv = z.object({
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
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
    IB_CONNECT_TIMEOUT_MS: intFromEnv(5_000, 100, 120_000),
    // @stoqey/ib sends ceil(n/10) messages per 100 ms, so 45 would be 50/s, IB's disconnect threshold
    IB_MAX_MESSAGES_PER_SEC: intFromEnv(40, 1, 50),
    IB_MAX_MARKET_DATA_LINES: intFromEnv(100, 1, 10_000),
    IB_RECONNECT_MAX_MS: intFromEnv(30_000, 100, 600_000),
    LEASE_TTL_MS: intFromEnv(10_000, 1_000, 600_000),
    CONNECTOR_ID: optionalString,
  })
  .extend(NatsEnv.shape)
  .extend(LogEnv.shape)
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
    GATEWAY_ALLOW_LIVE: boolFromEnv(false),
  })
  .extend(NatsEnv.shape)
  .extend(LogEnv.shape);
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
