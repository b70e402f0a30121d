import type { SimConnection } from "./connection.ts";
import { type Market, syntheticMarket } from "./market/market.ts";
import type { SimConfig, SimLog } from "./options.ts";
import { HistoricalPacing } from "./pacing/historical-pacing.ts";
import type { StatsCounter } from "./stats.ts";
import { initialPositions, type SimPosition, STARTING_CASH } from "./universe/accounts.ts";
import { optionBook } from "./universe/option-book.ts";
import { WireLog } from "./wire-log.ts";

/** An order as the simulator keeps it. */
export interface SimOrder {
  orderId: number;
  clientId: number;
  permId: number;
  account: string;
  conId: number;
  action: "BUY" | "SELL";
  quantity: number;
  orderType: string;
  lmtPrice: number;
  auxPrice: number;
  tif: string;
  /** May fill outside regular trading hours; echoed in openOrder. */
  outsideRth?: boolean;
  /** The client's own reference, echoed in openOrder and execDetails. */
  orderRef: string;
  /** The bracket parent's id, 0 for none. */
  parentId: number;
  /** False while IB holds the order until a later order of its group transmits. */
  transmit: boolean;
  /** Trailing stops: the trail as a percent (else auxPrice is the amount), TRAIL LIMIT's offset, the stop so far. */
  trailingPercent?: number;
  lmtPriceOffset?: number;
  trailStopPrice?: number;
  /** IB's algo and its params, echoed in openOrder. */
  algoStrategy?: string;
  algoParams?: Array<{ tag: string; value: string }>;
  /** A BAG combo: its legs as sent (conId is the first leg's); fills book each leg. */
  combo?: {
    symbol: string;
    currency: string;
    legs: Array<{ conId: number; ratio: number; action: string; exchange: string }>;
  };
  /** One-cancels-all group: a fill cancels the group's other working orders. */
  ocaGroup?: string;
  ocaType?: number;
  /** A stop order whose trigger was crossed (STP now trades as MKT, STP LMT as LMT). */
  triggered?: boolean;
  /** Untransmitted: IB holds it, announcing nothing, until an order of its parentId chain transmits. */
  held?: boolean;
  status: "Submitted" | "Filled" | "Cancelled" | "PreSubmitted";
  filled: number;
  avgFillPrice: number;
  /** The connection that placed it: order events go there unless a newer session holds its clientId. */
  owner: SimConnection;
  /** Stops the limit-order price watcher. */
  stopWatch?: () => void;
  /** When it filled or was cancelled (epoch ms), for reqCompletedOrders. */
  completedAt?: number;
}

/** One fill, for reqExecutions and commission reports. */
export interface SimExecution {
  execId: string;
  orderId: number;
  clientId: number;
  permId: number;
  account: string;
  conId: number;
  side: "BOT" | "SLD";
  shares: number;
  price: number;
  time: number;
  commission: number;
  orderRef: string;
}

/** Per-account book: cash and positions keyed by conId. */
export interface SimAccount {
  cash: number;
  positions: Map<number, SimPosition>;
}

/** State shared by every connection of one simulator: config, stats, pacing, accounts and orders. */
export class SimCore {
  readonly pacing: HistoricalPacing;
  readonly accounts = new Map<string, SimAccount>();
  readonly orders = new Map<number, SimOrder>();
  readonly executions: SimExecution[] = [];
  /** Every raw field clients sent (bounded), for tests. */
  readonly wireLog = new WireLog();
  nextOrderId = 1;
  nextPermId = 1_000_000;
  latencyMs: number;
  outageUntil = 0;
  /** The open connection that holds a clientId now (the server sets it): IB sends order events to the clientId. */
  sessionOf: (clientId: number) => SimConnection | undefined = () => undefined;
  /** Every open connection (the server sets it): IB pushes account changes to each subscribed client. */
  openConnections: () => Iterable<SimConnection> = () => [];
  /** The clock and the one price path every handler reads. */
  readonly market: Market;

  constructor(
    readonly config: SimConfig,
    readonly stats: StatsCounter,
    readonly log: SimLog,
  ) {
    this.pacing = new HistoricalPacing(config.timeScale);
    this.latencyMs = config.latencyMs;
    this.market = config.market ?? syntheticMarket;
    for (const a of config.accounts) {
      this.accounts.set(a, {
        cash: STARTING_CASH,
        positions: new Map(
          [...initialPositions(), ...(config.optionBook ? optionBook() : [])].map((p) => [
            p.instrument.conId,
            p,
          ]),
        ),
      });
    }
  }

  /** The account a request names, or the first one when it names none. */
  account(name: string): SimAccount | undefined {
    return this.accounts.get(name || this.config.accounts[0]!);
  }

  get inOutage(): boolean {
    return Date.now() < this.outageUntil;
  }

  /** A duration scaled by timeScale. */
  scaled(ms: number): number {
    return ms * this.config.timeScale;
  }
}
