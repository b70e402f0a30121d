import { z } from "zod";
import { TradingLimits } from "../schemas/order.ts";
import { readTool } from "../tool-def.ts";

export const ConnectionState = z.enum(["connecting", "ready", "degraded", "down"]);
export type ConnectionState = z.infer<typeof ConnectionState>;

/** One area of the connector's session state (what IB pushes, kept live): "off" means answered by a request. */
export const SessionStateArea = z.object({
  area: z.string(),
  status: z.enum(["fresh", "syncing", "stale", "off"]),
  /** Milliseconds since IB last changed it. */
  ageMs: z.number().int().optional(),
  counts: z.record(z.string(), z.number().int()),
});
export type SessionStateArea = z.infer<typeof SessionStateArea>;

export const getConnectionStatus = readTool({
  name: "get_connection_status",
  title: "Connection status",
  toolsets: ["account"],
  description:
    "The connector's link to IB: state, mode, accounts, clientId, server version, connected since, last error, whether trading is on (with its limits), and how fresh the account data kept from IB's pushes is. Call it when tools report IB_UNAVAILABLE.",
  input: z.object({}),
  output: z.object({
    mode: z.enum(["paper", "live"]),
    state: ConnectionState,
    host: z.string(),
    port: z.number().int(),
    clientId: z.number().int(),
    accounts: z.array(z.string()),
    serverVersion: z.number().int().optional(),
    connectedSince: z.string().optional(),
    lastError: z.string().optional(),
    readOnly: z.boolean(),
    reconnectAttempts: z.number().int(),
    /** Positions, account updates and P&L kept live from IB: fresh answers come from here without asking IB. */
    sessionState: z.array(SessionStateArea).optional(),
    /** Whether order tools work here, why not, and the limits no prompt can change. */
    trading: z
      .object({
        enabled: z.boolean(),
        killSwitch: z.boolean(),
        refusal: z.string().optional(),
        limits: TradingLimits,
        /** Where the risk values come from: the shared store of the mode, and who set the kill switch. */
        risk: z.object({
          store: z.string(),
          killSwitch: z.object({ on: z.boolean(), source: z.enum(["env", "bus", "unknown"]) }),
          day: z.string(),
          dailyNotionalUsed: z.number().optional(),
          error: z.string().optional(),
        }),
      })
      .optional(),
  }),
  summarize: (o) =>
    [
      `${o.mode} connector is ${o.state} (IB ${o.host}:${o.port}, clientId ${o.clientId}${o.readOnly ? ", read-only" : ""})`,
      o.accounts.length ? `Accounts: ${o.accounts.join(", ")}` : "",
      o.serverVersion ? `Server version: ${o.serverVersion}` : "",
      o.connectedSince ? `Connected since: ${o.connectedSince}` : "",
      o.lastError ? `Last error: ${o.lastError}` : "",
      o.sessionState?.length
        ? `Session state: ${o.sessionState.map((a) => `${a.area} ${a.status}`).join(", ")}`
        : "",
      o.trading
        ? `Trading: ${o.trading.enabled && !o.trading.killSwitch ? "enabled" : (o.trading.refusal ?? "off")}; max ${o.trading.limits.maxQuantity} per order, notional ${o.trading.limits.maxNotional} per order and ${o.trading.limits.dailyMaxNotional} per day (used ${o.trading.limits.dailyNotionalUsed}), sec types ${o.trading.limits.secTypeAllowlist.join(",")}, price band ${o.trading.limits.priceBandPct}%; risk state in ${o.trading.risk.store} (kill switch ${o.trading.risk.killSwitch.on ? "on" : "off"}, set by ${o.trading.risk.killSwitch.source})${o.trading.risk.error ? `: ${o.trading.risk.error}` : ""}`
        : "",
    ]
      .filter(Boolean)
      .join("\n"),
});
