import type { ConnectorEnv } from "../../shared/config.ts";
import { IbMcpError } from "../../shared/errors.ts";
import type { TradingMode } from "../../shared/mode.ts";
import type { OrderOutcome } from "../../shared/schemas/order.ts";
import type { ToolOutput } from "../../shared/tool-def.ts";
import type { getConnectionStatus } from "../../shared/tools/get-connection-status.ts";
import type { IbOrders } from "../ib/requests/orders.ts";
import type { AuditLog } from "./audit.ts";
import { memoryJournal, type PlacementJournal } from "./journal.ts";
import { assertWithinLimits, describeLimits, type LimitConfig } from "./limits.ts";
import { type RiskStore, riskStoreUnavailable, utcDay } from "./risk-state.ts";
import { memoryRiskStore } from "./risk-state-memory.ts";

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

/** What get_connection_status reports about trading; the type flows from its output schema. */
export type TradingStatus = NonNullable<ToolOutput<typeof getConnectionStatus>["trading"]>;
/** Where each risk value comes from; `error` says why one is unknown. */
export type RiskStatus = TradingStatus["risk"];
/** The kill switch and who set it: the operator's env (the bus cannot lift it), the bus, or unknown (store down). */
export type KillSwitchState = RiskStatus["killSwitch"];

/**
 * The connector's trading state: switches, kill switch, today's notional and the placements in flight here.
 * The kill switch and the daily notional live in the risk store (JetStream KV shared by every connector of the
 * mode, or memory without NATS); a placement once sent is found again through the journal and IB.
 */
export interface TradingDesk {
  readonly mode: TradingMode;
  readonly config: DeskConfig;
  readonly orders: IbOrders;
  readonly audit: AuditLog;
  readonly journal: PlacementJournal;
  /** False when the switches forbid trading here (read-only, or live without the connector's switch). */
  readonly enabled: boolean;
  /** The HMAC key; throws READ_ONLY when none is configured. */
  secret(): string;
  /**
   * Throws READ_ONLY naming the missing switch; `newRisk` is false for cancels, which the kill switch allows.
   * For new risk it reads the kill switch from the risk store: CONNECTOR_UNAVAILABLE when the store does not answer.
   */
  assertAllowed(tool: string, newRisk: boolean): Promise<void>;
  /** Throws or lifts the bus kill switch in the risk store; resolves with the switch now in force. */
  setKillSwitch(on: boolean): Promise<boolean>;
  /** True when on, and when the store cannot tell (fails closed). */
  killSwitchOn(): Promise<boolean>;
  dailyUsed(): Promise<number>;
  /**
   * Counts notional against today's cap as one compare-and-set (refused with INVALID_ARGUMENT when the cap would
   * be exceeded, or while the kill switch is on); resolves with the undo for a placement IB refused.
   */
  reserve(notional: number): Promise<() => Promise<void>>;
  /**
   * Runs `send` once at a time per key: a call while one with the same key is in flight gets its outcome, marked
   * replayed. A later call runs `send` again, which must look for the order (journal, IB) before it sends, so a
   * replay reports IB's current state rather than a stale first answer.
   */
  once(key: string, send: () => Promise<OrderOutcome>): Promise<OrderOutcome>;
  status(): Promise<TradingStatus>;
}

/** Why orders are refused by the switches of this process, or undefined when they are allowed. */
function switchRefusal(cfg: DeskConfig): string | undefined {
  if (cfg.IB_READONLY)
    return "this connector is read-only (IB_READONLY=true); the operator sets IB_READONLY=false to trade";
  if (cfg.TRADING_MODE === "live" && !cfg.CONNECTOR_ALLOW_LIVE_TRADING)
    return "live trading is off on the connector: CONNECTOR_ALLOW_LIVE_TRADING=true is missing (the operator must set it on the live connector)";
  return undefined;
}

const KILL_SWITCH_ON =
  'the kill switch is on: no new orders or modifications until the operator turns it off (ORDER_KILL_SWITCH, or ib.<mode>.admin.kill_switch with {"on":false}); cancels still work';

function dailyCapCheck(cfg: LimitConfig, notional: number) {
  return (used: number) =>
    assertWithinLimits([
      {
        name: "daily_max_notional",
        limit: String(cfg.ORDER_DAILY_MAX_NOTIONAL),
        value: `${Math.round(used * 100) / 100} used + ${Math.round(notional * 100) / 100}`,
        ok: used + notional <= cfg.ORDER_DAILY_MAX_NOTIONAL,
      },
    ]);
}

/** Creates the desk over a risk store (memory when none is given). ORDER_KILL_SWITCH=true is on whatever the store says. */
export function createTradingDesk(
  config: DeskConfig,
  orders: IbOrders,
  audit: AuditLog,
  journal: PlacementJournal = memoryJournal(),
  risk: RiskStore = memoryRiskStore(),
  now: () => number = Date.now,
): TradingDesk {
  const inFlight = new Map<string, Promise<OrderOutcome>>();
  // a switch thrown here that the store could not take still holds here, until a later write is stored
  let thrownHere = false;
  const killSwitch = async (): Promise<KillSwitchState> => {
    if (config.ORDER_KILL_SWITCH) return { on: true, source: "env" };
    const stored = await risk.killSwitch();
    return { on: stored || thrownHere, source: "bus" };
  };
  const killSwitchOrUnknown = (): Promise<KillSwitchState> =>
    killSwitch().catch(() => ({ on: true, source: "unknown" }));
  const assertNoKillSwitch = async (tool: string) => {
    if ((await killSwitch()).on) throw new IbMcpError("READ_ONLY", `${tool} refused: ${KILL_SWITCH_ON}`);
  };

  const desk: TradingDesk = {
    mode: config.TRADING_MODE,
    config,
    orders,
    audit,
    journal,
    enabled: switchRefusal(config) === undefined,
    secret() {
      const s = config.ORDER_TOKEN_SECRET;
      if (!s)
        throw new IbMcpError("READ_ONLY", "ORDER_TOKEN_SECRET is not set on the connector; trading is off");
      return s;
    },
    async assertAllowed(tool, newRisk) {
      const why = switchRefusal(config);
      if (why) throw new IbMcpError("READ_ONLY", `${tool} refused: ${why}`);
      if (newRisk) await assertNoKillSwitch(tool);
    },
    async setKillSwitch(on) {
      try {
        await risk.setKillSwitch(on);
        thrownHere = false;
      } catch (err) {
        if (on) thrownHere = true;
        throw err;
      }
      // the env switch is the operator's hard stop: the bus cannot lift it
      return on || config.ORDER_KILL_SWITCH;
    },
    killSwitchOn: async () => (await killSwitchOrUnknown()).on,
    dailyUsed: () => risk.dailyUsed(utcDay(now())),
    async reserve(notional) {
      // checked again here, next to the write: a switch thrown since the handler looked still stops the order
      await assertNoKillSwitch("the order");
      const day = utcDay(now());
      await risk.addDaily(day, notional, dailyCapCheck(config, notional));
      let undone = false;
      return async () => {
        if (undone) return;
        undone = true;
        await risk.addDaily(day, -notional);
      };
    },
    async once(key, send) {
      const running = inFlight.get(key);
      if (running) return { ...(await running), replayed: true };
      const started = send();
      inFlight.set(key, started);
      const forget = () => inFlight.delete(key);
      started.then(forget, forget);
      return started;
    },
    async status() {
      const ks = await killSwitchOrUnknown();
      const day = utcDay(now());
      const risk_: RiskStatus = { store: risk.name, killSwitch: ks, day };
      let used: number | undefined;
      try {
        used = await risk.dailyUsed(day);
        risk_.dailyNotionalUsed = used;
      } catch (err) {
        risk_.error = (err as Error).message;
      }
      if (ks.source === "unknown") risk_.error ??= riskStoreUnavailable(risk.name, undefined).message;
      const unknown = `the risk store ${risk.name} cannot be read, so the kill switch counts as on until it answers`;
      const why =
        switchRefusal(config) ?? (ks.source === "unknown" ? unknown : ks.on ? KILL_SWITCH_ON : undefined);
      const out: TradingStatus = {
        enabled: desk.enabled,
        killSwitch: ks.on,
        // unknown counts as the whole cap: no order could be reserved against it
        limits: describeLimits(config, used ?? config.ORDER_DAILY_MAX_NOTIONAL),
        risk: risk_,
      };
      if (why) out.refusal = why;
      return out;
    },
  };
  return desk;
}
