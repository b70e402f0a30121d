import { z } from "zod";
import type { Market } from "./market/market.ts";
import { SIM_MAX_SERVER_VERSION, SIM_MIN_SERVER_VERSION } from "./protocol/msg-ids.ts";

/** A log sink: one line per event; the simulator never logs request payloads beyond ids and codes. */
export type SimLog = (level: "info" | "warn" | "error", msg: string) => void;

export const SimOptions = z.object({
  host: z.string().default("127.0.0.1"),
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65535).default(0),
  /** An HTTP control API for fault injection and stats; none when undefined (0 = free port). */
  controlPort: z.number().int().min(0).max(65535).optional(),
  /** Multiplies every pacing window and the simulated historical and order timing. */
  timeScale: z.number().positive().max(1000).default(1),
  accounts: z
    .array(z.string().regex(/^[A-Z0-9]+$/))
    .min(1)
    .default(["DU1234567"]),
  serverVersion: z
    .number()
    .int()
    .min(SIM_MIN_SERVER_VERSION)
    .max(SIM_MAX_SERVER_VERSION)
    .default(SIM_MAX_SERVER_VERSION),
  maxMarketDataLines: z.number().int().positive().default(100),
  maxMessagesPerSec: z.number().int().positive().default(50),
  latencyMs: z.number().int().min(0).default(0),
  /** false: live data requests get 354, delayed ones 10167 and delayed ticks. */
  liveDataPermission: z.boolean().default(true),
  /** How often streaming market data ticks, before timeScale. */
  tickIntervalMs: z.number().int().positive().default(250),
  /** Start every account with a small option book beside its shares (sim/universe/option-book.ts). */
  optionBook: z.boolean().default(false),
  /**
   * IB Gateway's "Master API client ID": the connection with this clientId also receives every other client's
   * openOrder and orderStatus, as IB sends them. None by default: order events go to the placing client only.
   */
  masterClientId: z.number().int().min(0).optional(),
  log: z.custom<SimLog>((v) => typeof v === "function").optional(),
  /** Where prices and the clock come from: the synthetic market by default, or a replay (sim/market/replay-market.ts). */
  market: z.custom<Market>((v) => typeof v === "object" && v !== null && "price" in v).optional(),
});
export type SimOptions = z.input<typeof SimOptions>;
export type SimConfig = z.infer<typeof SimOptions>;
