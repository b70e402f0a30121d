import { pino } from "pino";
import { ConnectorEnv, parseEnv } from "../shared/config.ts";
import type { BoundOrder } from "../shared/schemas/order.ts";
import { type ConnectorHandle, type StartConnectorOptions, startConnector } from "./connector.ts";

/** Connector env for tests: the given IB port, loopback, quiet logs; extra variables override. */
export function testEnv(port: number, extra: Record<string, string> = {}): ConnectorEnv {
  return parseEnv(ConnectorEnv, {
    IB_HOST: "127.0.0.1",
    IB_PORT: String(port),
    IB_CONNECT_TIMEOUT_MS: "2000",
    IB_RECONNECT_MAX_MS: "1000",
    LOG_LEVEL: "silent",
    ...extra,
  });
}

/** Starts a connector against a port with a silent logger. */
export function testConnector(
  port: number,
  extra: Record<string, string> = {},
  opts: StartConnectorOptions = {},
): Promise<ConnectorHandle> {
  return startConnector(testEnv(port, extra), { logger: pino({ level: "silent" }), ...opts });
}

/** Polls `check` every 25 ms until it returns true; throws after timeoutMs with `what` in the message. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A bound AAPL order as preview_order would make it (a 1-share market buy in DU111 at 200); `change` alters it. */
export function aaplOrder(change: Partial<BoundOrder> = {}): BoundOrder {
  return {
    conId: 265598,
    symbol: "AAPL",
    sec_type: "STK",
    exchange: "SMART",
    currency: "USD",
    multiplier: 1,
    side: "BUY",
    quantity: 1,
    order_type: "MKT",
    tif: "DAY",
    outside_rth: false,
    account: "DU111",
    reference_price: 200,
    notional: 200,
    ...change,
  };
}
