import type { MiddlewareHandler } from "hono";
import { JsonRpcCode, jsonRpcErrorResponse } from "../mcp/jsonrpc.ts";
import { isLoopbackHost } from "../safety.ts";

export interface OriginHostOptions {
  /** Host header values (`name` or `name:port`) accepted; empty = loopback names when bound to loopback. */
  allowedHosts: readonly string[];
  /** Origin values (`scheme://name[:port]`) accepted; empty = loopback origins only. */
  allowedOrigins: readonly string[];
  /** The gateway listens on loopback only: Hosts must then be loopback names (DNS rebinding). */
  loopbackBind: boolean;
}

function hostnameOf(hostHeader: string): string | undefined {
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return undefined;
  }
}

function originHostname(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    return u.protocol === "http:" || u.protocol === "https:" ? u.hostname : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses requests whose Host or Origin a DNS-rebinding page would send (403). Requests without Origin
 * (non-browser clients) pass the Origin check. Answers are memoised per header value: the set is small.
 */
export function originHostGuard(opts: OriginHostOptions): MiddlewareHandler {
  const hosts = new Set(opts.allowedHosts.map((h) => h.toLowerCase()));
  const origins = new Set(opts.allowedOrigins.map((o) => o.toLowerCase().replace(/\/$/, "")));
  const memo = new Map<string, boolean>();
  const remember = (key: string, ok: boolean) => {
    if (memo.size > 1_000) memo.clear();
    memo.set(key, ok);
    return ok;
  };

  const hostOk = (host: string): boolean => {
    const key = `h:${host}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const name = hostnameOf(host);
    if (hosts.size > 0)
      return remember(key, hosts.has(host.toLowerCase()) || (name !== undefined && hosts.has(name)));
    if (!opts.loopbackBind) return remember(key, true);
    return remember(key, name !== undefined && isLoopbackHost(name));
  };
  const originOk = (origin: string): boolean => {
    const key = `o:${origin}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const lower = origin.toLowerCase();
    if (origins.has(lower) || origins.has("*")) return remember(key, true);
    const name = originHostname(lower);
    return remember(key, name !== undefined && isLoopbackHost(name));
  };

  return async function originHostGuard(c, next) {
    const host = c.req.header("host");
    if (host !== undefined && !hostOk(host)) {
      return jsonRpcErrorResponse(
        403,
        JsonRpcCode.serverError,
        `Forbidden: Host ${JSON.stringify(host.slice(0, 100))} is not allowed; the operator can add it to MCP_ALLOWED_HOSTS`,
      );
    }
    const origin = c.req.header("origin");
    if (origin !== undefined && !originOk(origin)) {
      return jsonRpcErrorResponse(
        403,
        JsonRpcCode.serverError,
        `Forbidden: Origin ${JSON.stringify(origin.slice(0, 100))} is not allowed; the operator can add it to MCP_ALLOWED_ORIGINS`,
      );
    }
    await next();
  };
}
