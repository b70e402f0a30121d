import type { ConnectorEnv } from "../../shared/config.ts";
import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import type { OrderOutcome, TradingLimits } from "../../shared/schemas/order.ts";
import type { IbOrders } from "../ib/orders.ts";
import type { AuditLog } from "./audit.ts";
import { memoryJournal, type PlacementJournal } from "./journal.ts";
import { describeLimits, type LimitConfig } from "./limits.ts";

export type DeskConfig = LimitConfig &
  Pick<
    ConnectorEnv,
    | "TRADING_MODE"
    | "IB_READONLY"
    | "CONNECTOR_ALLOW_LIVE_TRADING"
    | "ORDER_TOKEN_SECRET"
    | "ORDER_TOKEN_TTL_MS"
    | "ORDER_KILL_SWITCH"
  >;

export interface TradingStatus {
  enabled: boolean;
  killSwitch: boolean;
  refusal?: string;
  limits: TradingLimits;
}

/**
 * The connector's trading state: switches, kill switch, today's notional and the placements of this process.
 * Placements by orderRef live in memory; IB (open orders, executions) is the source of truth across restarts.
 */
export interface TradingDesk {
  readonly mode: TradingMode;
  readonly config: DeskConfig;
  readonly orders: IbOrders;
  readonly audit: AuditLog;
  readonly journal: PlacementJournal;
  /** The HMAC key; throws READ_ONLY when none is configured. */
  secret(): string;
  /** Throws READ_ONLY naming the missing switch; `newRisk` is false for cancels, which the kill switch allows. */
  assertAllowed(tool: string, newRisk: boolean): void;
  setKillSwitch(on: boolean): void;
  killSwitchOn(): boolean;
  dailyUsed(): number;
  /** Counts notional against today's cap; returns the undo for a placement IB refused. */
  reserve(notional: number): () => void;
  /**
   * Runs `send` once per key: a concurrent or later call with the same key gets the same outcome, marked replayed.
   * A failure is forgotten, so the next call looks at IB again (the caller's `send` must look before it sends).
   */
  once(key: string, send: () => Promise<OrderOutcome>): Promise<OrderOutcome>;
  status(): TradingStatus;
}

/** Why new orders are refused here, or undefined when they are allowed. */
function refusalOf(cfg: DeskConfig, killSwitch: boolean, newRisk: boolean): string | undefined {
  if (cfg.IB_READONLY)
    return "this connector is read-only (IB_READONLY=true); the operator sets IB_READONLY=false to trade";
  if (cfg.TRADING_MODE === "live" && !cfg.CONNECTOR_ALLOW_LIVE_TRADING)
    return "live trading is off on the connector: CONNECTOR_ALLOW_LIVE_TRADING=true is missing (the operator must set it on the live connector)";
  if (newRisk && killSwitch)
    return 'the kill switch is on: no new orders or modifications until the operator turns it off (ORDER_KILL_SWITCH, or ib.<mode>.admin.kill_switch with {"on":false}); cancels still work';
  return undefined;
}

const utcDay = (now: number) => new Date(now).toISOString().slice(0, 10);

/** Creates the desk; the kill switch starts from ORDER_KILL_SWITCH. */
export function createTradingDesk(
  config: DeskConfig,
  orders: IbOrders,
  audit: AuditLog,
  journal: PlacementJournal = memoryJournal(),
  now: () => number = Date.now,
): TradingDesk {
  let killSwitch = config.ORDER_KILL_SWITCH;
  let day = utcDay(now());
  let used = 0;
  const placements = new Map<string, Promise<OrderOutcome>>();
  const today = () => {
    const d = utcDay(now());
    if (d !== day) {
      day = d;
      used = 0;
    }
    return used;
  };

  return {
    mode: config.TRADING_MODE,
    config,
    orders,
    audit,
    journal,
    secret() {
      const s = config.ORDER_TOKEN_SECRET;
      if (!s)
        throw new IbMcpError("READ_ONLY", "ORDER_TOKEN_SECRET is not set on the connector; trading is off");
      return s;
    },
    assertAllowed(tool, newRisk) {
      const why = refusalOf(config, killSwitch, newRisk);
      if (why) throw new IbMcpError("READ_ONLY", `${tool} refused: ${why}`);
    },
    setKillSwitch(on) {
      // the env switch is the operator's hard stop: the bus cannot lift it
      killSwitch = on || config.ORDER_KILL_SWITCH;
    },
    killSwitchOn: () => killSwitch,
    dailyUsed: today,
    reserve(notional) {
      today();
      used += notional;
      let undone = false;
      return () => {
        if (!undone) used -= notional;
        undone = true;
      };
    },
    async once(key, send) {
      const earlier = placements.get(key);
      if (earlier) return { ...(await earlier), replayed: true };
      const running = send();
      placements.set(key, running);
      // a failed try is forgotten: the next one asks IB for the order before it would send again
      running.catch(() => placements.delete(key));
      return running;
    },
    status() {
      const why = refusalOf(config, killSwitch, true);
      const out: TradingStatus = {
        enabled:
          !config.IB_READONLY && !(config.TRADING_MODE === "live" && !config.CONNECTOR_ALLOW_LIVE_TRADING),
        killSwitch,
        limits: describeLimits(config, today()),
      };
      if (why) out.refusal = why;
      return out;
    },
  };
}
