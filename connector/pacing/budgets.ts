import type { PacingLimits, WindowLimit } from "./limits.ts";
import { describeWindow } from "./pacer-messages.ts";
import type { Budget, Capacity, PacedRequest } from "./types.ts";

/** What each request counts against: IB's windows (scaled, plus the margin) and the capacity it holds. */
export interface Rules {
  budgetsOf(req: PacedRequest): Budget[];
  capacityOf(req: PacedRequest): Capacity | undefined;
  maxOf: Record<Capacity, number>;
  capacityMessage(c: Capacity): string;
}

export function createRules(
  limits: PacingLimits,
  scale: number,
  marginMs: number,
  maxLines: number,
  messagesPerSec?: number,
): Rules {
  const budget = (key: string, w: WindowLimit, rule: string, weight = 1, pool = false): Budget => {
    const windowMs = w.windowMs * scale;
    return {
      key,
      pool,
      limit: w.limit,
      spanMs: windowMs + marginMs,
      weight,
      rule: `${rule}: at most ${w.limit} per ${describeWindow(windowMs)}`,
    };
  };
  const messages: Budget[] = messagesPerSec
    ? [
        {
          key: "messages",
          limit: messagesPerSec,
          spanMs: 1_000 + marginMs,
          weight: 1,
          atGrant: true,
          pool: true,
          rule: `messages to IB: at most ${messagesPerSec} per 1 s`,
        },
      ]
    : [];
  const maxOf: Record<Capacity, number> = {
    marketDataLines: maxLines,
    historicalOpen: limits.historicalOpen,
    scannerSubscriptions: limits.scannerSubscriptions,
  };

  return {
    maxOf,
    budgetsOf(req) {
      switch (req.kind) {
        case "historical":
          return [
            budget("historical", limits.historical, "historical data requests", req.weight ?? 1, true),
            budget(
              `contract:${req.contractKey}`,
              limits.historicalSameContract,
              "historical requests for one contract, exchange and tick type",
            ),
            budget(`identical:${req.key}`, limits.historicalIdentical, "identical historical requests"),
            ...messages,
          ];
        case "fundamental":
          return [
            budget("fundamental", limits.fundamental, "fundamental data requests", 1, true),
            ...messages,
          ];
        case "news":
          return [budget("news", limits.news, "news requests", 1, true), ...messages];
        // every request is a message: counted here, a burst of grants waits its fair turn in the pacer instead of
        // in @stoqey/ib's one send queue, where a flood's burst would hold a light principal's request back
        default:
          return messages;
      }
    },
    capacityOf(req) {
      if (req.kind === "marketData") return "marketDataLines";
      if (req.kind === "historical") return "historicalOpen";
      if (req.kind === "scanner") return "scannerSubscriptions";
      return undefined;
    },
    capacityMessage(c) {
      if (c === "marketDataLines")
        return `all ${maxOf.marketDataLines} market data lines are in use; a line frees when a subscription or snapshot ends`;
      if (c === "scannerSubscriptions")
        return `IB's ${maxOf.scannerSubscriptions} concurrent scanner subscriptions are all in use`;
      return `IB's ${maxOf.historicalOpen} open historical requests are all in flight`;
    },
  };
}
