import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { type Logger, pino } from "pino";
import type { Bus } from "../shared/bus.ts";
import type { GatewayEnv } from "../shared/config.ts";
import type { TradingMode } from "../shared/mode.ts";
import { REQUEST_ID_MAX_LENGTH } from "../shared/request-id.ts";
import { catalogue } from "../shared/tools/index.ts";
import { defaultToolsets } from "../shared/toolsets.ts";
import type { AuthSetup } from "./auth/auth-setup.ts";
import { createGatewayAuth, type GatewayAuth } from "./auth/create-auth.ts";
import { mountAuthDiscovery } from "./auth/discovery-routes.ts";
import type { Principal } from "./auth/principal.ts";
import { createToolCaller } from "./mcp/call-tool.ts";
import { JsonRpcCode, jsonRpcErrorResponse } from "./mcp/jsonrpc.ts";
import { createMcpPostHandler } from "./mcp/mcp-route.ts";
import { createMcpServer } from "./mcp/mcp-server.ts";
import { guardScopes } from "./mcp/scope-filter.ts";
import { guardLiveTrading } from "./mcp/trade-guard.ts";
import { disabledMetrics, type GatewayMetrics } from "./metrics-api.ts";
import { authenticate } from "./middleware/authenticate.ts";
import { observe } from "./middleware/observe.ts";
import { originHostGuard } from "./middleware/origin-host-guard.ts";
import { createReadiness } from "./readiness.ts";
import { checkGatewaySafety, isLoopbackHost } from "./safety.ts";

export interface GatewayAppOptions {
  bus: Bus;
  env: GatewayEnv;
  logger?: Logger;
  /** Who may call (static principals, OAuth); built from the env (and `tokens`, `readFile`) when absent. */
  auth?: GatewayAuth;
  /** Bearer tokens in place of MCP_AUTH_TOKENS and MCP_AUTH_TOKENS_FILE (they become token-1, token-2, …). */
  tokens?: string[];
  /** Reads MCP_PRINCIPALS_FILE, token files and MCP_AUTH_TOKENS_FILE where the runtime has a file system. */
  readFile?: (path: string) => string;
  /** Register access === "trade" tools too; defaults to MCP_ENABLE_TRADING. */
  enableTrading?: boolean;
  /** How long /ready reuses a ping's answer. */
  readyCacheMs?: number;
  /** Where metrics go; the runtime adapter passes createMetrics() (prom-client) where /metrics can be scraped. */
  metrics?: GatewayMetrics;
}

export type GatewayVariables = { Variables: { requestId: string; principal: Principal } };

export interface GatewayApp {
  app: Hono<GatewayVariables>;
  metrics: GatewayMetrics;
  /** Its authentication; `reload()` re-reads the principals (SIGHUP). */
  auth: GatewayAuth;
  close(): Promise<void>;
}

/**
 * The gateway's HTTP app: POST /mcp (stateless MCP over the bus), /health, /ready, /metrics. It opens no
 * socket, so tests drive it with `app.request()`. Throws ConfigError for unsafe settings (see safety.ts).
 */
export function createGatewayApp(opts: GatewayAppOptions): GatewayApp {
  const { bus, env } = opts;
  const mode = env.TRADING_MODE;
  const logger = opts.logger ?? pino({ level: env.LOG_LEVEL, base: { app: "ib-mcp-gateway" } });
  const auth = opts.auth ?? createGatewayAuth(env, { tokens: opts.tokens, readFile: opts.readFile });
  for (const warning of checkGatewaySafety(env, auth.methods())) logger.warn(warning);

  const metrics = opts.metrics ?? disabledMetrics();
  const enableTrading = opts.enableTrading ?? env.MCP_ENABLE_TRADING;
  const { servers, handlers } = createModeServers({ bus, env, metrics, logger, enableTrading });
  const isReady = createReadiness(bus, mode, { cacheMs: opts.readyCacheMs ?? 3_000 });

  const app = new Hono<GatewayVariables>();
  app.use(requestId({ limitLength: REQUEST_ID_MAX_LENGTH }));
  // Responses built by the MCP transport bypass Hono's header staging; the id goes back on every answer.
  app.use(async function echoRequestId(c, next) {
    await next();
    c.res.headers.set("X-Request-Id", c.get("requestId"));
  });
  app.use(observe(metrics));

  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/ready", async (c) => {
    const ready = await isReady();
    return c.json({ ready, mode }, ready ? 200 : 503);
  });
  app.get("/metrics", async (c) =>
    metrics.registry
      ? c.body(await metrics.registry.metrics(), 200, { "Content-Type": metrics.registry.contentType })
      : c.json({ error: "this runtime serves no Prometheus endpoint (see the README's edge section)" }, 404),
  );

  mountMcp(app, { handlers, mode, env, auth: auth.setup, logger });
  mountAuthDiscovery(app, auth.setup);

  app.notFound((c) =>
    c.json({ error: `no route ${c.req.method} ${c.req.path}; MCP is served at POST /mcp` }, 404),
  );
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    logger.error({ requestId: c.get("requestId"), err }, "unhandled error in the gateway");
    return jsonRpcErrorResponse(
      500,
      -32603,
      `Internal error (request id ${c.get("requestId")}); retry once and report it if it repeats`,
    );
  });

  return {
    app,
    metrics,
    auth,
    close: async () => {
      await Promise.all(servers.map(([, server]) => server.close()));
    },
  };
}

type McpHandler = ReturnType<typeof createMcpPostHandler>;

/**
 * The MCP routes: POST to the default mode or a named one, each with an optional toolsets path, behind the
 * Origin/Host guard and authentication (which names the caller, `anonymous` when no auth is configured); every
 * other method answers 405.
 */
function mountMcp(
  app: Hono<GatewayVariables>,
  deps: {
    handlers: Map<TradingMode, McpHandler>;
    mode: TradingMode;
    env: GatewayEnv;
    auth: AuthSetup;
    logger: Logger;
  },
): void {
  const { handlers, mode, env } = deps;
  const auth = authenticate(deps.auth, deps.logger);
  const guard = originHostGuard({
    allowedHosts: env.MCP_ALLOWED_HOSTS,
    allowedOrigins: env.MCP_ALLOWED_ORIGINS,
    loopbackBind: isLoopbackHost(env.HOST),
  });
  // The toolsets of a URL: `?toolsets=market,account` on any of these, or as a path for clients and proxies that
  // keep only a path (`/mcp/toolsets/market,account`, `/mcp/paper/toolsets/market,account`).
  const mcpPaths = ["/mcp", "/mcp/:mode", "/mcp/toolsets/:toolsets", "/mcp/:mode/toolsets/:toolsets"];
  for (const path of mcpPaths) {
    app.use(path, guard);
    app.use(path, auth);
  }
  const defaultHandler = handlers.get(mode)!;
  app.post("/mcp", defaultHandler);
  app.post("/mcp/toolsets/:toolsets", defaultHandler);
  app.on("POST", ["/mcp/:mode", "/mcp/:mode/toolsets/:toolsets"], (c) => {
    const requested = c.req.param("mode");
    const handler = handlers.get(requested as TradingMode);
    if (handler) return handler(c);
    const why =
      requested === "live"
        ? "live mode is off on this gateway; the operator enables it with GATEWAY_ALLOW_LIVE=true"
        : `unknown mode "${requested}"; use /mcp, /mcp/paper${env.GATEWAY_ALLOW_LIVE ? " or /mcp/live" : ""}`;
    return jsonRpcErrorResponse(404, JsonRpcCode.serverError, `Not Found: ${why}`);
  });
  // Stateless: no SSE stream to open (GET) and no session to end (DELETE).
  for (const path of mcpPaths) {
    app.all(path, () =>
      jsonRpcErrorResponse(
        405,
        JsonRpcCode.serverError,
        "Method Not Allowed: this server is stateless; send JSON-RPC with POST",
        { Allow: "POST" },
      ),
    );
  }
}

/** One MCP server and POST handler per served mode. */
function createModeServers(deps: {
  bus: Bus;
  env: GatewayEnv;
  metrics: GatewayMetrics;
  logger: Logger;
  enableTrading: boolean;
}) {
  const { bus, env, metrics, logger, enableTrading } = deps;
  const tools = catalogue.filter((t) => t.access === "read" || enableTrading);
  // One MCP server per served mode: /mcp is the default mode, /mcp/paper and /mcp/live name theirs, so paper and live
  // connectors can run side by side and an agent switches by URL, with no gateway restart.
  const modes: TradingMode[] = env.GATEWAY_ALLOW_LIVE ? ["paper", "live"] : ["paper"];
  const servers = modes.map((m) => {
    const server = createMcpServer({
      tools,
      defaultToolsets: env.MCP_TOOLSETS ?? defaultToolsets(enableTrading),
      mode: m,
      callTool: guardScopes(
        guardLiveTrading(
          createToolCaller({ bus, mode: m, metrics, logger }),
          m,
          env.GATEWAY_ALLOW_LIVE_TRADING,
        ),
        m,
      ),
    });
    // What the front door cannot see (it validates every message with the SDK's schemas first) but the SDK
    // still refuses.
    server.server.server.onerror = (err) => logger.warn({ err, mode: m }, "MCP protocol error");
    return [m, server] as const;
  });
  const handlers = new Map(
    servers.map(([m, server]) => [
      m,
      createMcpPostHandler({
        server,
        mode: m,
        timeoutMs: env.MCP_REQUEST_TIMEOUT_MS,
        maxBodyBytes: env.MCP_MAX_BODY_BYTES,
        logger,
      }),
    ]),
  );
  return { servers, handlers };
}
