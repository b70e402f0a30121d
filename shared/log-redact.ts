/**
 * Log fields pino replaces with "[Redacted]" in every role's logger: credentials under any of these names, at the
 * top level of a log entry or one object down (`{ nats: { pass } }`), and the Authorization header of a logged
 * request. No I/O here: the runtime adapters and cli/ build their loggers with it.
 */
export const LOG_REDACT_PATHS: readonly string[] = [
  ...["password", "pass", "token", "authorization", "NATS_PASSWORD", "NATS_TOKEN", "MCP_AUTH_TOKENS"].flatMap(
    (key) => [key, `*.${key}`],
  ),
  "*.headers.authorization",
  "*.headers.Authorization",
];
