import { readFileSync } from "node:fs";
import { connect } from "@nats-io/transport-node";
import { pino } from "pino";
import type { GatewayEnv } from "../../shared/config.ts";
import { LOG_REDACT_PATHS } from "../../shared/log-redact.ts";
import { createMetrics } from "../metrics.ts";
import type { RuntimePlatform } from "./start-gateway.ts";

/** Reads a UTF-8 file (token and creds files). */
export const readTextFile = (path: string): string => readFileSync(path, "utf8");

/** The JSON logger of the Node-compatible runtimes (Node, Bun, Deno, Lambda). */
export const jsonLogger = (env: GatewayEnv) =>
  pino({
    level: env.LOG_LEVEL,
    base: { app: "ib-mcp-gateway", mode: env.TRADING_MODE },
    redact: [...LOG_REDACT_PATHS],
  });

/**
 * Node: NATS over TCP (@nats-io/transport-node) or WebSocket (Node 20 needs --experimental-websocket), a file
 * system, pino, and Prometheus metrics at /metrics.
 */
export const nodePlatform: RuntimePlatform = {
  transports: { tcp: connect },
  readTextFile,
  logger: jsonLogger,
  metrics: createMetrics,
};
